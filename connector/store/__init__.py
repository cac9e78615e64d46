"""The store: inbox, room state, what we know of Zoom, failures, journal, meta, and the
outbox of reports back to the PMS (SQLite).

No SQL lives outside this package; everything else uses `Store` and the records it returns.
"""

from connector.store.errors import (
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreMisuse,
    StoreNotWritable,
    StoreOpenError,
    StoreWriteError,
)
from connector.store.ingest import Fold
from connector.store.outbox import Outbox
from connector.store.outbox_records import (
    CHANNELS,
    REPORT_KINDS,
    Channel,
    OutboxCounts,
    Report,
    ReportKind,
    ReportState,
)
from connector.store.records import (
    EventState,
    EventStatus,
    Failure,
    JournalEntry,
    Received,
    StoreCounts,
)
from connector.store.store import Store
from connector.store.view import RoomView

__all__ = [
    "CHANNELS",
    "REPORT_KINDS",
    "Channel",
    "EventState",
    "EventStatus",
    "Failure",
    "Fold",
    "JournalEntry",
    "Outbox",
    "OutboxCounts",
    "Received",
    "Report",
    "ReportKind",
    "ReportState",
    "RoomView",
    "SchemaTooNew",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreCounts",
    "StoreError",
    "StoreMisuse",
    "StoreNotWritable",
    "StoreOpenError",
    "StoreWriteError",
]
