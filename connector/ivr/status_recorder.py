"""Housekeeping statuses into the room state and out to the PMS.

The status goes in through the durable ingest first (state, journal and console follow), and
the maid status the fold derived from it (vacant or occupied as the room is at that moment)
is what the PMS receives: FIAS RE with RS 1-6, or the webhook callback. Out of order and
maintenance go to a webhook PMS with their condition, and stay local on FIAS. Make-up room
is a guest service status (RS 9), not a room status: reported alone, maid status untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from connector.events.models import HousekeepingUpdate
from connector.ivr.housekeeping_codes import EXTRA_STATUSES
from connector.ivr.metrics import IvrMetrics
from connector.ivr.ports import Ingest, Rooms
from connector.pms.fias.outbound import GuestServiceStatus
from connector.pms.reporter import Reporter
from connector.rooms.state import Housekeeping

log = logging.getLogger("connector.ivr")


class StatusRecorder:
    def __init__(self, rooms: Rooms, ingest: Ingest, reporter: Reporter,
                 metrics: IvrMetrics) -> None:
        self._rooms = rooms
        self._ingest = ingest
        self._reporter = reporter
        self._metrics = metrics

    def make_up_room(self, room: str) -> None:
        """Make-up room keyed on the room phone: kept in the outbox (one commit) for the PMS."""
        report = self._reporter.guest_service(room, GuestServiceStatus.MAKE_UP_ROOM)
        self._metrics.statuses.labels(GuestServiceStatus.MAKE_UP_ROOM.name.lower(),
                                      "phone").inc()
        log.info("make-up room requested from the room phone",
                 extra={"room": room, "report": report.id})

    def record(self, updates: Sequence[HousekeepingUpdate], *, source: str) -> list[Housekeeping]:
        """Keep the updates (all or nothing) and report each new one to the PMS; returns the
        rooms' recorded statuses. An update whose id was already kept is not reported again
        (a nightly reset that is run again after a crash)."""
        received = self._ingest(updates, source=source)
        recorded: list[Housekeeping] = []
        for update, outcome in zip(updates, received, strict=True):
            if outcome.duplicate:
                continue
            state = self._rooms.room(update.room)
            assert state is not None and state.housekeeping is not None, "just folded"
            status = state.housekeeping
            if status.status in EXTRA_STATUSES:
                self._reporter.room_condition(update.room, status.status.value,
                                              status.maid_status)
            else:
                self._reporter.maid_status(update.room, status.maid_status)
            self._metrics.statuses.labels(status.status.value, update.source).inc()
            log.info("housekeeping status recorded", extra={
                "room": update.room, "status": status.status.value,
                "maid_status": status.maid_status, "attendant": status.attendant,
                "source": update.source})
            recorded.append(status)
        return recorded
