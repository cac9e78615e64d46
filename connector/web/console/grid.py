"""The Rooms grid as data: one row per room, in words the front desk reads, and the filters.

Pure: it takes the rooms' state, which rooms Zoom lags on and why some failed, and the time;
the route reads those from the store in a handful of queries (not one per room), so 2,000
rooms render in one pass.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, tzinfo
from itertools import groupby

from connector.events.models import ClassOfService, Guest
from connector.rooms.state import RoomState
from connector.store.records import Failure

_CLASS_WORDS = {
    ClassOfService.BARRED: "room calls only",
    ClassOfService.LOCAL: "local calls",
    ClassOfService.NATIONAL: "national calls",
    ClassOfService.UNRESTRICTED: "all calls",
}


class Show(enum.StrEnum):
    """The grid's filters (the `show` query parameter)."""

    ALL = "all"
    OCCUPIED = "occupied"
    DND = "dnd"
    DIRTY = "dirty"
    FAILED = "failed"
    WAKEUP_TODAY = "wakeup-today"


SHOW_LABELS = {
    Show.ALL: "All rooms",
    Show.OCCUPIED: "Occupied",
    Show.DND: "Do not disturb",
    Show.DIRTY: "Dirty",
    Show.FAILED: "Zoom failed",
    Show.WAKEUP_TODAY: "Wake-up today",
}


@dataclass(frozen=True)
class RoomRow:
    """One room as the grid shows it. `zoom` is "in step", "waiting" or "failed";
    `zoom_reason` says why it failed, in words."""

    room: str
    floor: str
    occupied: bool
    guest: str
    vip: str
    guests: int
    dnd: bool
    class_of_service: str
    housekeeping: str
    dirty: bool
    wakeups_today: int
    next_wakeup: datetime | None
    zoom: str
    zoom_reason: str


@dataclass(frozen=True)
class Floor:
    name: str
    rows: tuple[RoomRow, ...]


def floor_of(room: str) -> str:
    """The floor a room number is on, as hotels number them: "1207" is on 12, "101" on 1;
    a number of fewer than three digits, or not a number, is put with "other"."""
    return room[:-2] if room.isdigit() and len(room) >= 3 else "other"


def guest_name(guest: Guest) -> str:
    return " ".join(part for part in (guest.title, guest.first_name, guest.last_name) if part)


def room_row(room: str, state: RoomState | None, *, lagging: bool, failure: Failure | None,
             now: datetime, tz: tzinfo) -> RoomRow:
    """The room's row. A room with no state yet (no PMS event since install) is vacant."""
    state = state or RoomState(room=room)
    primary = state.primary
    guest = primary.primary if primary else None
    today = now.astimezone(tz).date()
    wakeups = sorted(w.at for w in state.wakeups)
    upcoming = [at for at in wakeups if at >= now]
    cos = state.effective_class_of_service()
    housekeeping = state.housekeeping
    return RoomRow(
        room=room,
        floor=floor_of(room),
        occupied=state.occupied,
        guest=guest_name(guest) if guest else "",
        vip=guest.vip if guest else "",
        guests=sum(len(stay.guests) for stay in state.stays),
        dnd=state.dnd.active(now),
        class_of_service=_CLASS_WORDS[cos] if cos is not None else "",
        housekeeping=housekeeping.status.value.replace("_", " ") if housekeeping else "",
        dirty=housekeeping is not None and housekeeping.status.value == "dirty",
        wakeups_today=sum(1 for at in wakeups if at.astimezone(tz).date() == today),
        next_wakeup=upcoming[0] if upcoming else None,
        zoom=_zoom_word(lagging, failure),
        zoom_reason=_failure_words(failure) if lagging and failure else "",
    )


def _zoom_word(lagging: bool, failure: Failure | None) -> str:
    if not lagging:
        return "in step"
    return "failed" if failure is not None else "waiting"


def _failure_words(failure: Failure) -> str:
    tail = ("gave up until the next full pass or a re-sync" if failure.final
            else f"retrying (attempt {failure.attempts})")
    return f"{failure.error.rstrip('.')}; {tail}."


def rows(rooms: Iterable[str], states: Mapping[str, RoomState], *, lagging: Set[str],
         failures: Mapping[str, Failure], now: datetime, tz: tzinfo) -> list[RoomRow]:
    """Every room's row, in room order (numbers by value: 99 before 101)."""
    return [room_row(room, states.get(room), lagging=room in lagging,
                     failure=failures.get(room), now=now, tz=tz)
            for room in sorted(rooms, key=_room_order)]


def matches(row: RoomRow, show: Show, search: str) -> bool:
    """Whether the row passes the filter and the search (room number prefix, or any part of
    the guest's name, case-insensitive)."""
    wanted = {
        Show.ALL: True,
        Show.OCCUPIED: row.occupied,
        Show.DND: row.dnd,
        Show.DIRTY: row.dirty,
        Show.FAILED: row.zoom == "failed",
        Show.WAKEUP_TODAY: row.wakeups_today > 0,
    }[show]
    term = search.strip().casefold()
    if not term:
        return wanted
    return wanted and (row.room.casefold().startswith(term) or term in row.guest.casefold())


def by_floor(selected: Iterable[RoomRow]) -> list[Floor]:
    """The rows grouped by floor, floors in order, "other" last."""
    ordered = sorted(selected, key=lambda r: (r.floor == "other", _room_order(r.floor),
                                              _room_order(r.room)))
    return [Floor(name, tuple(group)) for name, group in groupby(ordered, key=lambda r: r.floor)]


def _room_order(room: str) -> tuple[int, int, str]:
    return (0, int(room), room) if room.isdigit() else (1, 0, room)
