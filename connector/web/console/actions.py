"""The room page's actions — DND on/off, housekeeping status, re-sync with Zoom — done the
way the PMS's and the room phone's are: through the durable ingest (source "console"), with
the report to the PMS kept in the same commit as the event (DND) or right after it, as the
room phone's housekeeping codes are (`StatusRecorder`).

Each form carries a submission key made when the page was rendered; the event's id is made
from it and what was asked (`console-dnd-on-101-<key>`), so a double click or a form sent
again (back, resend) is the same event, stored and reported once (`Done.repeat`)."""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from connector.clock import Clock
from connector.events.models import Dnd, HousekeepingStatus, HousekeepingUpdate
from connector.pms.fias.outbound import GuestServiceStatus
from connector.service import Connector
from connector.web.console.parts import ConsoleParts

SOURCE = "console"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Re-syncs are not events: the keys of the last ones are remembered in memory (a re-sync
# done twice only asks Zoom once more; a restart between the two is harmless).
_RESYNC_KEYS = 512


class NotPossible(Exception):
    """The action cannot be done now; the message says why, in words for the desk."""


def new_submission() -> str:
    """A fresh key for one form as rendered."""
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class Done:
    """What an action did: `repeat` when the same submission had been done already; `ref`
    what it did, for the audit ("event <id>", or the re-check asked of Zoom)."""

    repeat: bool
    ref: str


class RoomActions:
    def __init__(self, parts: ConsoleParts, clock: Clock) -> None:
        self._parts = parts
        self._clock = clock
        self._resynced: OrderedDict[str, None] = OrderedDict()

    def dnd(self, connector: Connector, room: str, *, on: bool, submission: str) -> Done:
        """DND on or off as the front desk asks: kept as a `Dnd` event with its RS 8 / RS 10
        report to the PMS in the same commit (the reconciler then sets Zoom's presence)."""
        reporter = self._parts.reporter
        if reporter is None:
            raise NotPossible("The link to the PMS is not open yet; nothing was done.")
        event = Dnd(id=_event_id(f"dnd-{'on' if on else 'off'}", room, submission),
                    occurred_at=self._clock.now(), room=room, on=on)
        report = reporter.guest_service_report(
            room, GuestServiceStatus.DND_ON if on else GuestServiceStatus.ALL_OFF)
        (received,) = connector.ingest([event], source=SOURCE, reports={event.id: [report]})
        if not received.duplicate:
            reporter.nudge()
        return Done(repeat=received.duplicate, ref=f"event {event.id}")

    def housekeeping(self, room: str, status: HousekeepingStatus, *,
                     submission: str) -> Done:
        """A room status set at the desk, recorded and reported to the PMS as if keyed on
        the room phone (FIAS RE with the maid status; out of order and maintenance go to a
        webhook PMS only)."""
        recorder = self._parts.recorder
        if recorder is None:
            raise NotPossible("The room-phone side (which records housekeeping) is not open "
                              "yet; nothing was done.")
        # The status is in the id: the same form sent again with another status chosen is
        # another wish, not a repeat.
        update = HousekeepingUpdate(id=_event_id(f"housekeeping-{status.value}", room,
                                                 submission),
                                    occurred_at=self._clock.now(), room=room, status=status,
                                    source=SOURCE)
        recorded = recorder.record([update], source=SOURCE)
        return Done(repeat=not recorded, ref=f"event {update.id}")

    def resync(self, connector: Connector, room: str, *, submission: str) -> Done:
        """Bring the room's Zoom phone to what the PMS wants again, changed or not (what
        `connector sync` does, for one room): marked for a re-check on disk (a restart picks
        it up) and tried afresh now, also when the connector had given up on it."""
        key = _event_id("resync", room, submission)
        if key in self._resynced:
            return Done(repeat=True, ref="")
        connector.store.mark_dirty([room])
        connector.reconciler.nudge([room])
        self._resynced[key] = None
        while len(self._resynced) > _RESYNC_KEYS:
            self._resynced.popitem(last=False)
        return Done(repeat=False, ref="a re-check of the room in Zoom, changed or not")


def _event_id(action: str, room: str, submission: str) -> str:
    if not _KEY.match(submission):
        raise NotPossible("The form was incomplete (no submission key); reload the page and "
                          "try again. Nothing was done.")
    return f"console-{action}-{room}-{submission}"
