"""Whose doing is a presence change? (pure: the room's state, what we set in Zoom, a time.)

Zoom tells us every presence change of a room's user, the ones the connector made itself
included. Only a change the GUEST made on the phone is kept and reported to the PMS; the
connector's own DND (set because the PMS asked, re-asserted, cleared, or run out) is never
echoed back, or the PMS would hear its own DND as the guest's.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from connector.rooms.known import KnownZoom
from connector.rooms.state import RoomState
from connector.zoom.webhooks import Presence

# Zoom's clock and ours differ a little; a DND that ends is not the guest's doing if Zoom
# says "Available" within this much of its end.
CLOCK_SLACK = timedelta(seconds=60)
# Zoom stamps our own presence change a moment before we note it as done.
ECHO_SLACK = timedelta(seconds=5)


class Verdict(enum.StrEnum):
    """What a presence change means for the room (also the metric's outcome label)."""

    GUEST_DND_ON = "guest_dnd_on"
    GUEST_DND_OFF = "guest_dnd_off"
    AS_WANTED = "as_wanted"  # Zoom shows what the connector wants: its own doing
    STALE = "stale"  # older than the connector's last presence change, which overrode it
    DND_LAPSED = "dnd_lapsed"  # Zoom's 24-hour cap ended our DND: re-asserted, not reported
    VACANT = "vacant"  # nobody in house: not a guest's wish
    NO_DECISION = "no_decision"  # Away, On_Phone_Call, Offline...: not DND on or off

    @property
    def guest_made(self) -> bool:
        return self in (Verdict.GUEST_DND_ON, Verdict.GUEST_DND_OFF)


def judge(presence: Presence, at: datetime, state: RoomState, known: KnownZoom) -> Verdict:
    """The verdict on the room's presence becoming `presence` at `at` (Zoom's time)."""
    if presence is Presence.OTHER:
        return Verdict.NO_DECISION
    if not state.occupied:
        return Verdict.VACANT
    if known.presence_set_at is not None and at <= known.presence_set_at + ECHO_SLACK:
        return Verdict.STALE
    wanted = state.dnd.active(at)
    if presence is Presence.DND:
        return Verdict.AS_WANTED if wanted else Verdict.GUEST_DND_ON
    if not wanted:
        return Verdict.AS_WANTED
    if state.dnd.until is not None and at >= state.dnd.until - CLOCK_SLACK:
        return Verdict.AS_WANTED  # the DND the PMS asked for is ending
    if known.dnd and known.dnd_until is not None and at >= known.dnd_until - CLOCK_SLACK:
        return Verdict.DND_LAPSED
    return Verdict.GUEST_DND_OFF
