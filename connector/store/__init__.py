"""The store: inbox, room state, what we know of Zoom, failures, journal, meta (SQLite).

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
    "EventState",
    "EventStatus",
    "Failure",
    "Fold",
    "JournalEntry",
    "Received",
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
