"""`user.presence_status_updated` → the room's DND and the PMS (the handler on Zoom's door).

The Zoom user is found in the directory (by id, else email) and its extension in the room
map. A common area has no presence (Zoom's DND is a user's presence status), so its events
never come; an id that is no room's is answered and counted, not kept. When the guest made
the change (`presence.judge`), it is kept as a canonical `Dnd` event, with its RS 8 / RS 10
report to the PMS in the same commit, before Zoom gets its 200: the reconciler then keeps
the guest's wish instead of undoing it, and a crash cannot keep the one without the other.
The event's id comes from Zoom's event, so a retry from Zoom is applied once.
"""

from __future__ import annotations

import logging

from connector.events.models import Dnd
from connector.guest_service.presence import Verdict, judge
from connector.pms.fias.outbound import GuestServiceStatus
from connector.pms.reporter import Reporter
from connector.rooms.state import RoomState
from connector.service import Connector
from connector.zoom.webhooks import PresenceChange, ZoomEvent, parse_presence

log = logging.getLogger("connector.guest_service")

NOT_A_ROOM = "not_a_room"
DUPLICATE = "duplicate"


def presence_event_id(change: PresenceChange) -> str:
    """The same for every delivery of one Zoom event (Zoom retries send the same body)."""
    return f"zoom-presence:{change.user_id}:{change.at.isoformat()}:{change.presence.value}"


class PresenceIntake:
    """The `ZoomHandler` for presence changes; returns the outcome for the metrics."""

    def __init__(self, connector: Connector, reporter: Reporter) -> None:
        self._connector = connector
        self._reporter = reporter

    def __call__(self, event: ZoomEvent) -> str:
        change = parse_presence(event)
        connector = self._connector
        owner = connector.directory.by_user(change.user_id, change.email)
        room = None if owner is None else connector.room_map.room_for_extension(owner.extension)
        if owner is None or room is None:
            log.info("presence change of a Zoom user that is no room's phone",
                     extra={"zoom_user": change.user_id, "status": change.status})
            return NOT_A_ROOM
        state = connector.store.room(room) or RoomState(room=room)
        verdict = judge(change.presence, change.at, state, connector.store.known(room))
        if verdict is Verdict.DND_LAPSED:
            connector.reconciler.recheck_now([room])
        if not verdict.guest_made:
            log.info("presence change not the guest's: nothing to report", extra={
                "room": room, "extension": owner.extension, "status": change.status,
                "verdict": verdict.value})
            return verdict.value
        return self._keep(change, room, owner.extension, verdict)

    def _keep(self, change: PresenceChange, room: str, extension: str,
              verdict: Verdict) -> str:
        on = verdict is Verdict.GUEST_DND_ON
        dnd = Dnd(id=presence_event_id(change), occurred_at=change.at, room=room, on=on)
        report = self._reporter.guest_service_report(
            room, GuestServiceStatus.DND_ON if on else GuestServiceStatus.ALL_OFF)
        (received,) = self._connector.ingest([dnd], source="zoom", reports={dnd.id: [report]})
        if received.duplicate:
            return DUPLICATE
        self._reporter.nudge()
        log.info("guest turned DND %s on the room phone; kept and reported to the PMS",
                 "on" if on else "off", extra={
            "room": room, "extension": extension, "dnd": on, "event_id": dnd.id})
        return verdict.value
