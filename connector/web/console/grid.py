"""The Rooms grid as data: one row per room, in words the front desk reads, and the filters.

Pure: it takes the rooms' state, which rooms Zoom lags on and why some failed, and the time;
the route reads those from the store in a handful of queries (not one per room), so 2,000
rooms render in one pass.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, tzinfo
from itertools import groupby

from connector.events.models import ClassOfService, Guest
from connector.rooms.state import RoomState
from connector.store import WakeupJob
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
    wakeup_failed: bool = False

    @property
    def vip_badge(self) -> str:
        return vip_badge(self.vip)

    @property
    def zoom_reason_short(self) -> str:
        """The reason as a grid cell shows it: its first sentence, cut to a line."""
        return short_reason(self.zoom_reason)


@dataclass(frozen=True)
class Floor:
    name: str
    rows: tuple[RoomRow, ...]


def floor_of(room: str) -> str:
    """The floor a room number is on, as hotels number them: "1207" is on 12, "101" on 1;
    a number of fewer than three digits, or not a number, is put with "other"."""
    return room[:-2] if room.isdigit() and len(room) >= 3 else "other"


def vip_badge(code: str) -> str:
    """A VIP code as its badge reads: "VIP GOLD" for "GOLD", but "VIP" (not "VIP VIP") for
    "VIP", and "VIP2" for "VIP2": a code that already says VIP is shown once."""
    code = code.strip()
    return code if code.upper().startswith("VIP") else f"VIP {code}"


# A grid cell shows at most this much of a Zoom failure's reason, so that one long message
# does not make its whole row of rooms tall; the room page and the cell's title have it whole.
CELL_REASON_CHARS = 60


def short_reason(reason: str) -> str:
    """The first sentence of `reason`, cut at a word to CELL_REASON_CHARS with an ellipsis."""
    first = re.split(r"(?<=[.;!?])\s", reason.strip(), maxsplit=1)[0].rstrip(".;")
    if len(first) <= CELL_REASON_CHARS:
        return first
    cut = first[:CELL_REASON_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",:;") + "…"


def failed_wakeup_rooms(jobs: Iterable[WakeupJob], *, now: datetime, tz: tzinfo) -> set[str]:
    """The rooms a wake-up asked for today (hotel day) ended in without the guest answering:
    escalated (its alert still open) or failed (acknowledged), as the Wake-ups board says."""
    today = now.astimezone(tz).date()
    return {job.room for job in jobs
            if job.state == "done" and job.answer != "OK"
            and job.requested_at.astimezone(tz).date() == today}


def guest_name(guest: Guest) -> str:
    return " ".join(part for part in (guest.title, guest.first_name, guest.last_name) if part)


def room_row(room: str, state: RoomState | None, *, lagging: bool, failure: Failure | None,
             now: datetime, tz: tzinfo, wakeup_failed: bool = False) -> RoomRow:
    """The room's row. A room with no state yet (no PMS event since install) is vacant.
    `wakeup_failed`: a wake-up of today ended without the guest (see failed_wakeup_rooms)."""
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
        wakeup_failed=wakeup_failed,
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
         failures: Mapping[str, Failure], now: datetime, tz: tzinfo,
         failed_wakeups: Set[str] = frozenset()) -> list[RoomRow]:
    """Every room's row, in room order (numbers by value: 99 before 101)."""
    return [room_row(room, states.get(room), lagging=room in lagging,
                     failure=failures.get(room), now=now, tz=tz,
                     wakeup_failed=room in failed_wakeups)
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
