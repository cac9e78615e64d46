"""The department field of a room's phone, by DV2000's options (sent in the name's PATCH).

STATUS shows "Checked in 2026-11-24" or "Checked out 2026-11-24": the date the room last went
occupied or vacant, in the hotel's time zone (a check-out at 23:30 UTC is still the 24th in
Los Angeles). A room whose change we never saw (`occupancy_since` is None, e.g. vacant since
the connector started) shows "Checked in" without a date, or "Vacant". A naive
`occupancy_since` is taken as UTC, as the store writes it.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from enum import StrEnum

from connector.rooms.naming import clean_text, truncate
from connector.rooms.state import RoomState

DEPARTMENT_MAX = 128


class DepartmentMode(StrEnum):
    DISABLED = "disabled"  # the connector leaves the field alone
    STATUS = "status"
    ROOM = "room"
    SITE = "site"
    TEXT = "text"


def department_for(
    state: RoomState,
    *,
    mode: DepartmentMode,
    text: str = "",
    site_name: str = "",
    tz: tzinfo,
) -> str | None:
    """The department Zoom should show for the room, or None to leave it untouched.

    An empty `text` (TEXT) or `site_name` (SITE) gives "", which clears the field.
    """
    match mode:
        case DepartmentMode.DISABLED:
            return None
        case DepartmentMode.STATUS:
            value = _status(state, tz)
        case DepartmentMode.ROOM:
            value = f"Room {state.room}"
        case DepartmentMode.SITE:
            value = site_name
        case DepartmentMode.TEXT:
            value = text
    return truncate(clean_text(value), DEPARTMENT_MAX)


def _status(state: RoomState, tz: tzinfo) -> str:
    since = state.occupancy_since
    if since is None:
        return "Checked in" if state.occupied else "Vacant"
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    day = since.astimezone(tz).date().isoformat()
    return f"Checked in {day}" if state.occupied else f"Checked out {day}"


__all__ = ["DEPARTMENT_MAX", "DepartmentMode", "department_for"]
