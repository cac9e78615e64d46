"""Wake-ups a guest sets or cancels on the room phone: into the same schedule as the PMS's
(through the durable ingest) and reported to the PMS (FIAS WR / WC, or the callback).

A guest who sets a wake-up by phone replaces the one they set by phone before (the menu
says "your wake-up call"); wake-ups the PMS set stay. Cancelling removes the wake-up the
guest was told about (the room's next one, whoever set it; a daily one as a whole).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, tzinfo

from connector.events.models import AnyEvent, WakeupClear, WakeupSet
from connector.ivr.ports import Ingest, Rooms
from connector.ivr.wakeup_time import upcoming
from connector.pms.reporter import Reporter
from connector.rooms.state import Wakeup

log = logging.getLogger("connector.ivr")

PHONE_EVENT_PREFIX = "phone-"


def phone_event_id(kind: str) -> str:
    """A unique id for an event made on the room phone."""
    return f"{PHONE_EVENT_PREFIX}{kind}-{uuid.uuid4().hex}"


def set_by_phone(wakeup: Wakeup) -> bool:
    return wakeup.set_by_event.startswith(PHONE_EVENT_PREFIX)


class GuestWakeups:
    def __init__(self, rooms: Rooms, ingest: Ingest, reporter: Reporter, tz: tzinfo) -> None:
        self._rooms = rooms
        self._ingest = ingest
        self._reporter = reporter
        self._tz = tz

    def set(self, room: str, at: datetime, now: datetime) -> None:
        """Schedule a wake-up at `at`, replacing the room's upcoming phone-set ones."""
        state = self._rooms.room(room)
        replaced = [w for w in (state.wakeups if state else ())
                    if set_by_phone(w) and w.at != at and upcoming(w, now, self._tz) is not None]
        events: list[AnyEvent] = [
            WakeupClear(id=phone_event_id("wakeup-clear"), occurred_at=now, room=room, at=w.at)
            for w in replaced
        ]
        events.append(WakeupSet(id=phone_event_id("wakeup-set"), occurred_at=now, room=room,
                                at=at))
        self._ingest(events, source="phone")
        for old in replaced:
            self._reporter.wakeup_cleared_by_guest(room, old.at)
        self._reporter.wakeup_set_by_guest(room, at)
        log.info("wake-up set by the guest", extra={
            "room": room, "at": at.isoformat(), "replaced": [w.at.isoformat() for w in replaced]})

    def cancel(self, room: str, wakeup: Wakeup, now: datetime) -> None:
        """Remove the wake-up (a daily one as a whole)."""
        self._ingest([WakeupClear(id=phone_event_id("wakeup-clear"), occurred_at=now,
                                  room=room, at=wakeup.at)], source="phone")
        self._reporter.wakeup_cleared_by_guest(room, wakeup.at)
        log.info("wake-up cancelled by the guest",
                 extra={"room": room, "at": wakeup.at.isoformat()})
