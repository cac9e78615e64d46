"""`phone.caller_call_history_completed` → the call intake (the handler on Zoom's door).

The caller's side of a call is the side a room's outside call is on, so this one event is
enough; the callee's (`phone.callee_call_history_completed`) would only tell of calls to
rooms, which are never charged. Every row of `call_logs` goes to the intake, which keeps it
before the door answers 200; a row that cannot be read is logged and skipped, so one bad
row does not make Zoom retry (and lose) the good ones beside it.

An event that arrives long after Zoom stamped it (`event_ts`) is a retry: Zoom resends at
5, 20 and 60 minutes and then gives up, so events beside it may be lost for good. The
handler then nudges the call-history poll (`on_late`) to list now, not at its next interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from connector.billing.call import CallRowInvalid, CallSink, from_webhook_row
from connector.clock import Clock
from connector.zoom.webhooks import ZoomEvent, ZoomEventInvalid

log = logging.getLogger("connector.billing")

CALLER_HISTORY_COMPLETED = "phone.caller_call_history_completed"
# The Zoom app's scope for call-history events (zoom-api-facts §3.8): without it, none come.
CALL_HISTORY_EVENT_SCOPE = "phone:read:call_log:admin"
# At most this many rows in one event (Zoom sends one call's legs; this bounds a forged one).
MAX_ROWS = 100
# Zoom's first retry comes 5 minutes after a failed delivery: an event older than that is
# one Zoom had to retry, and others of its time may not have come through.
LATE_AFTER = timedelta(minutes=5)


class CallHistoryHandler:
    """The `ZoomHandler` for call history; returns what it made of the event for the
    metrics: "new" (a call not seen before), "updated", "duplicate". `on_late` is called
    for an event older than `LATE_AFTER` by `clock` (a readable one: its calls are kept
    first)."""

    def __init__(self, sink: CallSink, *, clock: Clock | None = None,
                 on_late: Callable[[], None] | None = None) -> None:
        self._sink = sink
        self._clock = clock
        self._on_late = on_late

    def __call__(self, event: ZoomEvent) -> str:
        outcome = self._take(event)
        self._check_lateness(event)
        return outcome

    def _check_lateness(self, event: ZoomEvent) -> None:
        if self._clock is None or self._on_late is None or event.event_ts is None:
            return
        stamped = datetime.fromtimestamp(event.event_ts / 1000, UTC)
        late = self._clock.now() - stamped
        if late > LATE_AFTER:
            log.warning("a call-history webhook came %d min after Zoom stamped it (a retry: "
                        "others may be lost); the call-history poll lists now",
                        late // timedelta(minutes=1))
            self._on_late()

    def _take(self, event: ZoomEvent) -> str:
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
