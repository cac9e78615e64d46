"""A wake-up the front desk sets, changes or cancels, read from the form and checked (pure).

Decisions, said to the desk in the refusal:
- the room must be in the room map (a number the connector does not know cannot ring);
- the room must be occupied: a wake-up is for a guest, a check-out would drop it anyway, and
  a FIAS PMS has no guest to attach a WR to;
- the time is hotel time; with no date it is the next time the clock shows it (07:00 typed
  at 23:00 is tomorrow's), with a date it must not have passed;
- at most a year ahead (FIAS dates carry two-digit years), and not a second wake-up at the
  same minute in the same room.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connector.hotel_time import hotel_time
from connector.rooms.state import RoomState, Wakeup
from connector.wakeup.occurrences import local_moment

_TIME = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})\s*$")
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FURTHEST = timedelta(days=366)


class RequestRefused(Exception):
    """The form cannot be acted on; the message tells the desk why and what to do."""


@dataclass(frozen=True)
class WakeupRequest:
    room: str
    at: datetime


def form_nonce() -> str:
    """A form's own id: a form sent twice (a double click, a resend) is one request."""
    return secrets.token_urlsafe(18)


def nonce(form: Mapping[str, str]) -> str:
    """The form's id, or a fresh one when it brought none that looks right."""
    given = form.get("request", "")
    return given if _NONCE.match(given) else form_nonce()


def checked_room(form: Mapping[str, str], *, rooms: Collection[str],
                 states: Mapping[str, RoomState]) -> RoomState:
    """The room named in the form, which must exist and be occupied."""
    room = form.get("room", "").strip()
    if not room:
        raise RequestRefused("Which room? Type the room number.")
    if room not in rooms:
        raise RequestRefused(f"There is no room {room[:16]} in this hotel's room map; "
                             "check the number.")
    state = states.get(room)
    if state is None or not state.occupied:
        raise RequestRefused(f"Room {room} is vacant: a wake-up is for a guest. Check the "
                             "guest in first (the PMS does), then set it.")
    return state


def requested_time(form: Mapping[str, str], *, now: datetime, tz: tzinfo) -> datetime:
    """The moment the form asks for, in the hotel's zone (see the module's rules)."""
    match = _TIME.match(form.get("time", ""))
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise RequestRefused("Type the time as hours and minutes, e.g. 06:30.")
    wall = time(int(match[1]), int(match[2]))
    local_now = now.astimezone(tz)
    day_text = form.get("date", "").strip()
    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise RequestRefused("Type the date as year-month-day, e.g. "
                                 f"{local_now:%Y-%m-%d}, or leave it empty.") from None
        at = local_moment(day, wall, tz)
        if at <= now:
            raise RequestRefused(f"{hotel_time(at, tz)} has passed. Choose a later time, or "
                                 "leave the date empty for the next time it is "
                                 f"{wall:%H:%M}.")
    else:
        at = local_moment(local_now.date(), wall, tz)
        if at <= now:
            at = local_moment(local_now.date() + timedelta(days=1), wall, tz)
    if at - now > FURTHEST:
        raise RequestRefused("That is more than a year ahead; choose a nearer date.")
    return at


def checked_request(form: Mapping[str, str], *, rooms: Collection[str],
                    states: Mapping[str, RoomState], now: datetime, tz: tzinfo,
                    replacing: Wakeup | None = None) -> WakeupRequest:
    """A new wake-up (or the new time of `replacing`) from the form, checked."""
    state = checked_room(form, rooms=rooms, states=states)
    at = requested_time(form, now=now, tz=tz)
    if any(w.at == at and w is not replacing for w in state.wakeups):
        raise RequestRefused(f"Room {state.room} already has a wake-up at "
                             f"{hotel_time(at, tz, same_day_as=now)}.")
    return WakeupRequest(room=state.room, at=at)


def wakeup_at(state: RoomState, form: Mapping[str, str]) -> Wakeup:
    """The room's wake-up the form points at (field `at`: its time, ISO 8601)."""
    try:
        at = datetime.fromisoformat(form.get("at", ""))
    except ValueError:
        raise RequestRefused("Which wake-up? Reload the page and try again.") from None
    found = next((w for w in state.wakeups if w.at == at), None)
    if found is None:
        raise RequestRefused(f"Room {state.room} has no such wake-up any more (it rang, or "
                             "was cancelled meanwhile). Reload the page to see it.")
    return found
