"""The nightly housekeeping reset: at `nightly_reset_at` (hotel time) every occupied room
becomes dirty (RS 2), recorded and reported like a status keyed on the phone.

The local day of the last reset is kept in the store's meta, so a restart does not run it
twice; each room's update has an id made of the day and the room, so a reset cut short by a
crash and run again on restart neither doubles the events nor the reports.

`Ivr` builds it when `CONNECTOR_IVR__NIGHTLY_RESET_AT` is set (`ivr.nightly_reset`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta, tzinfo

from connector.clock import Clock, nap
from connector.daily_schedule import DailySchedule
from connector.events.models import HousekeepingStatus, HousekeepingUpdate
from connector.ivr.ports import Rooms
from connector.ivr.status_recorder import StatusRecorder
from connector.store import StoreError

log = logging.getLogger("connector.ivr")

LAST_RESET_KEY = "ivr.nightly_reset.last_day"
# Sleep in short steps, so a wall clock that jumps (NTP, a suspended VM) is noticed.
MAX_SLEEP_SECONDS = 300.0
# A reset missed while the connector was down is run if it is back within this (a crash, a
# restart by the platform); later it is skipped: housekeeping may have cleaned rooms by then,
# and a late reset would undo their work.
CATCH_UP = timedelta(minutes=30)


def reset_schedule(hhmm: str, tz: tzinfo) -> DailySchedule:
    """The reset's schedule from `CONNECTOR_IVR__NIGHTLY_RESET_AT` (already validated)."""
    return DailySchedule.parse(hhmm, tz, catch_up=CATCH_UP)


class NightlyReset:
    def __init__(self, schedule: DailySchedule, *, rooms: Rooms, recorder: StatusRecorder,
                 clock: Clock) -> None:
        self._schedule = schedule
        self._rooms = rooms
        self._recorder = recorder
        self._clock = clock

    def run_due(self) -> date | None:
        """Run the reset if one is due now; returns the local day it ran for."""
        day = self._schedule.due(self._clock.now(), self.last_day())
        if day is None:
            return None
        self.reset(day)
        return day

    def reset(self, day: date) -> int:
        """Make every occupied room dirty, as the reset of `day`; returns how many rooms."""
        now = self._clock.now()
        updates = [
            HousekeepingUpdate(id=f"nightly-reset-{day.isoformat()}-{room}", occurred_at=now,
                               room=room, status=HousekeepingStatus.DIRTY,
                               source="nightly_reset")
            for room, state in sorted(self._rooms.all_rooms().items()) if state.occupied
        ]
        if updates:
            self._recorder.record(updates, source="nightly_reset")
        self._rooms.set_meta(LAST_RESET_KEY, day.isoformat())
        log.info("nightly housekeeping reset", extra={"day": day.isoformat(),
                                                      "rooms": len(updates)})
        return len(updates)

    def last_day(self) -> date | None:
        raw = self._rooms.meta(LAST_RESET_KEY)
        return None if raw is None else date.fromisoformat(raw)

    async def run(self, stop: asyncio.Event) -> None:
        """Reset every night until `stop` is set."""
        while not stop.is_set():
            try:
                self.run_due()
            except StoreError as error:
                # Tried again after the next sleep, within the catch-up window; what was
                # kept already is not repeated.
                log.error("nightly housekeeping reset failed: the database failed",
                          extra={"error": str(error)})
            now = self._clock.now()
            wait = (self._schedule.next_after(now) - now).total_seconds()
            await nap(self._clock, min(wait, MAX_SLEEP_SECONDS), stop)
