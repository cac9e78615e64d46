"""The store: inbox, room state, what we know of Zoom, failures, journal, meta, the outbox
of reports back to the PMS, wake-up jobs and front-desk alerts (SQLite).

No SQL lives outside this package; everything else uses `Store` and the records it returns.
"""

from connector.store.alerts import ALERT_KINDS, Alert, AlertKind, NewAlert
from connector.store.calls import CALL_STATES, CallRecord, CallState, Rating, SettledState
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
from connector.store.ingest import Fold, Narrate
from connector.store.lag import Lag
from connector.store.outbox import Outbox
from connector.store.outbox_records import (
    CHANNELS,
    REPORT_KINDS,
    Channel,
    NewReport,
    OutboxCounts,
    Report,
    ReportKind,
    ReportState,
)
from connector.store.records import (
    EventOutcome,
    EventState,
    EventStatus,
    Failure,
    JournalEntry,
    Received,
    RoomEvent,
    StoreCounts,
)
from connector.store.stays import StaySpan
from connector.store.store import Store
from connector.store.together import IngestRequest, Outcome
from connector.store.view import RoomView
from connector.store.wakeups import (
    INTERRUPTED,
    FinishedWakeup,
    JobState,
    MovedWakeup,
    NewWakeup,
    WakeupAnswer,
    WakeupAttempt,
    WakeupJob,
    WakeupSync,
)

__all__ = [
    "ALERT_KINDS",
    "CALL_STATES",
    "CHANNELS",
    "INTERRUPTED",
    "REPORT_KINDS",
    "Alert",
    "AlertKind",
    "CallRecord",
    "CallState",
    "Channel",
    "EventOutcome",
    "EventState",
    "EventStatus",
    "Failure",
    "FinishedWakeup",
    "Fold",
    "IngestRequest",
    "JobState",
    "JournalEntry",
    "Lag",
    "MovedWakeup",
    "Narrate",
    "NewAlert",
    "NewReport",
    "NewWakeup",
    "Outbox",
    "OutboxCounts",
    "Outcome",
    "Rating",
    "Received",
    "Report",
    "ReportKind",
    "ReportState",
    "RoomEvent",
    "RoomView",
    "SchemaTooNew",
    "SettledState",
    "StaySpan",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreCounts",
    "StoreError",
    "StoreMisuse",
    "StoreNotWritable",
    "StoreOpenError",
    "StoreWriteError",
    "WakeupAnswer",
    "WakeupAttempt",
    "WakeupJob",
    "WakeupSync",
]
