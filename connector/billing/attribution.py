"""Whose call was it: the room by the caller's extension, and the stay that held the room
when the call started (pure: the stays and the clock are handed in).

FIAS posts to a room, not to a guest (PS has no G#), so sharers share the room's calls: the
call is attributed to the room's first stay (the one that names the room), and posted to
the room. A guest who moved is charged in the room the call came from, at the time it was
placed. A call whose record arrives after the guest left is still posted within the late
window, unless the room has been let again: the room's folio would then be the next
guest's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from connector.billing.call import ZoomCall
from connector.store import StaySpan

Verdict = Literal["chargeable", "not_chargeable", "not_a_room", "vacant", "late"]


@dataclass(frozen=True)
class Attribution:
    """What a call is to the hotel: `chargeable` to `room` (for `reservation`, None: the
    room's own stay), or why not, in words for the front desk (no guest names)."""

    verdict: Verdict
    room: str | None = None
    reservation: str | None = None
    reason: str | None = None


def attribute(call: ZoomCall, room: str | None, stays: Sequence[StaySpan], *,
              let_again_since: Callable[[datetime], bool], now: datetime,
              late_window: timedelta) -> Attribution:
    """`room`: the room whose phone the caller's extension is (None: no room's); `stays`:
    the stays in that room at the call's start, first come first; `let_again_since(t)`:
    whether another stay came into the room at or after `t`."""
    if not call.outbound_external:
        kind = f"{call.direction} {call.connect_type}"
        return Attribution("not_chargeable", room, reason=f"{kind} call")
    if not call.connected:
        result = call.result or "no result"
        return Attribution("not_chargeable", room, reason=f"not connected ({result})")
    extension = call.caller_extension or "none"
    if room is None:
        return Attribution("not_a_room", reason=f"extension {extension} is no room's phone "
                           "(staff, or not in the room map)")
    if not stays:
        return Attribution("vacant", room, reason=f"room {room} was vacant when the call "
                           "started")
    first = stays[0]
    if any(stay.until is None for stay in stays):
        return Attribution("chargeable", room, first.reservation)
    left = max(stay.until for stay in stays if stay.until is not None)
    if let_again_since(left):
        return Attribution("late", room, first.reservation,
                           reason=f"the guest left room {room} at {left:%Y-%m-%d %H:%M} UTC "
                           "and the room has been let again")
    if now - left > late_window:
        hours = late_window.total_seconds() / 3600
        return Attribution("late", room, first.reservation,
                           reason=f"the guest left room {room} at {left:%Y-%m-%d %H:%M} UTC, "
                           f"more than {hours:g} h before the call's record came")
    return Attribution("chargeable", room, first.reservation,
                       reason=f"posted after check-out (the guest left at "
                       f"{left:%Y-%m-%d %H:%M} UTC)")
