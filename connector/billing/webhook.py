"""`phone.caller_call_history_completed` → the call intake (the handler on Zoom's door).

The caller's side of a call is the side a room's outside call is on, so this one event is
enough; the callee's (`phone.callee_call_history_completed`) would only tell of calls to
rooms, which are never charged. Every row of `call_logs` goes to the intake, which keeps it
before the door answers 200; a row that cannot be read is logged and skipped, so one bad
row does not make Zoom retry (and lose) the good ones beside it.
"""

from __future__ import annotations

import logging

from connector.billing.call import CallRowInvalid, CallSink, from_webhook_row
from connector.zoom.webhooks import ZoomEvent, ZoomEventInvalid

log = logging.getLogger("connector.billing")

CALLER_HISTORY_COMPLETED = "phone.caller_call_history_completed"
# At most this many rows in one event (Zoom sends one call's legs; this bounds a forged one).
MAX_ROWS = 100


class CallHistoryHandler:
    """The `ZoomHandler` for call history; returns what it made of the event for the
    metrics: "new" (a call not seen before), "updated", "duplicate"."""

    def __init__(self, sink: CallSink) -> None:
        self._sink = sink

    def __call__(self, event: ZoomEvent) -> str:
        found = event.payload.get("object")
        rows = found.get("call_logs") if isinstance(found, dict) else None
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
            raise ZoomEventInvalid(f"`payload.object.call_logs` of {CALLER_HISTORY_COMPLETED}"
                                   f" must be a list of 1-{MAX_ROWS} calls.")
        outcomes: list[str] = []
        for row in rows:
            try:
                call = from_webhook_row(row if isinstance(row, dict) else {})
            except CallRowInvalid as error:
                log.warning("call-history row skipped: %s", error)
                continue
            outcomes.append(self._sink.take(call, "webhook"))
        if not outcomes:
            raise ZoomEventInvalid(f"no row of {CALLER_HISTORY_COMPLETED} could be read.")
        for word in ("new", "updated"):
            if word in outcomes:
                return word
        return "duplicate"
