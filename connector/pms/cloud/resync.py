"""A cloud PMS's in-house list -> the snapshot a FIAS DR produces (pure).

FIAS answers DR with DS, one GI per guest in house, DE; the fold (connector.rooms.desired)
refreshes each stay it already holds (same reservation, same room: nothing new for Zoom),
adds any it missed, and at the end vacates every stay the list did not repeat. The cloud
resync gives the same events: ResyncStart, one CheckIn per stay, ResyncEnd. Their ids come
from the resync's id, so every resync folds each stay again (a stay folded by last night's
resync must still count as seen tonight) and a resync never collides with another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from connector.events.models import AnyEvent, CheckIn, ResyncEnd, ResyncStart


def new_resync_id(kind: str, at: datetime) -> str:
    """A resync's id: the vendor and the moment it started (UTC, to the microsecond)."""
    return f"{kind}-resync-{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}"


def snapshot(stays: Sequence[CheckIn], *, resync_id: str, at: datetime) -> list[AnyEvent]:
    """ResyncStart, every stay as a check-in with an id of this resync, ResyncEnd.

    A second stay in a room already listed is a sharer (FIAS: GS=Y), whatever the vendor
    said: a room's first guest names it, as at the desk."""
    events: list[AnyEvent] = [ResyncStart(id=resync_id, occurred_at=at, resync_id=resync_id)]
    rooms: set[str] = set()
    for n, stay in enumerate(stays):
        events.append(stay.model_copy(update={
            "id": f"{resync_id}#{n}", "share": stay.share or stay.room in rooms}))
        rooms.add(stay.room)
    # FIAS's DE id is the resync's with "-end": the same shape here.
    events.append(ResyncEnd(id=f"{resync_id}-end", occurred_at=at, resync_id=resync_id))
    return events
