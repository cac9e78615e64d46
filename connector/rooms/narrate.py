"""What a PMS event changed in its rooms, in words: for the log line every event gets and for
`connector status --room`, which shows them beside the event long after.

Pure: the words come from the rooms' state before and after the fold, never from re-reading
the store. No guest names, ever: the words are logged at INFO and kept with the event longer
than the stay (reservation numbers, counts and dates are not personal data here).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    ClassOfService,
    GuestChange,
    HousekeepingUpdate,
    rooms_of,
)
from connector.hotel_time import hotel_time
from connector.rooms.state import DndWish, RoomState, Stay

ALREADY_SO = "no change (already so)"
DUPLICATE = "no change (duplicate)"


def event_rooms(event: AnyEvent) -> tuple[str, ...]:
    """The rooms an event names: one, two for a move, none for a resync's start or end."""
    if isinstance(event, HousekeepingUpdate):
        return (event.room,)
    return rooms_of(event)


def reservation_of(event: AnyEvent) -> str | None:
    """The reservation an event is about, if it is about one."""
    if isinstance(event, CheckIn | GuestChange | CheckOut):
        return event.reservation
    return None


def stay_label(reservation: str | None) -> str:
    """How a stay is named: by its reservation, or as the room's own stay for a PMS that
    keys guests by room and sends no reservation numbers."""
    return f"reservation {reservation}" if reservation else "the room's stay"


def narrate(
    event: AnyEvent,
    before: Mapping[str, RoomState],
    after: Mapping[str, RoomState],
    tz: tzinfo,
) -> dict[str, str]:
    """Per room the event named or changed, what changed in it ("room 203 vacant; voicemail
    before 10:02 CET to purge"), or `ALREADY_SO` when the room already was as the event says.

    `before` holds the rooms as they were (a room missing is one nothing was known of), and
    `after` those the fold changed. Times are in the hotel's zone `tz`, dated only when they
    fall on another hotel day than the event."""
    words: dict[str, str] = {}
    for room in dict.fromkeys([*event_rooms(event), *after]):
        old = before.get(room) or RoomState(room=room)
        phrases = changes(old, after.get(room, old), tz, event.occurred_at)
        words[room] = f"room {room} " + "; ".join(phrases) if phrases else ALREADY_SO
    return words


def summary(words: Mapping[str, str]) -> str:
    """One line for the whole event: what it changed in each room, or that it changed none."""
    return "; ".join(w for w in words.values() if w != ALREADY_SO) or ALREADY_SO


def changes(old: RoomState, new: RoomState, tz: tzinfo, when: datetime) -> list[str]:
    """The differences between two states of one room, as the front desk would say them."""
    phrases = _occupancy(old, new)
    cos = new.effective_class_of_service()
    if cos is not None and cos != old.effective_class_of_service():
        phrases.append(f"class of service {_COS_WORDS[cos]}")
    purge = new.no_voicemail_before
    if purge is not None and purge != old.no_voicemail_before:
        phrases.append(f"voicemail before {hotel_time(purge, tz, same_day_as=when)} to purge")
    if new.dnd != old.dnd:
        phrases.append(_dnd(new.dnd, tz, when))
    if new.message_waiting != old.message_waiting:
        phrases.append(f"message waiting {'on' if new.message_waiting else 'off'}")
    phrases += _wakeups(old, new, tz, when)
    if new.housekeeping is not None and new.housekeeping != old.housekeeping:
        status = new.housekeeping.status.value.replace("_", " ")
        phrases.append(f"housekeeping {status} (maid status {new.housekeeping.maid_status})")
    return phrases


_COS_WORDS = {
    ClassOfService.BARRED: "barred (internal calls only)",
    ClassOfService.LOCAL: "local",
    ClassOfService.NATIONAL: "national",
    ClassOfService.UNRESTRICTED: "unrestricted",
}


def _guests(stays: tuple[Stay, ...]) -> str:
    count = sum(len(stay.guests) for stay in stays)
    return f"{count} guest" if count == 1 else f"{count} guests"


def _occupancy(old: RoomState, new: RoomState) -> list[str]:
    if not new.occupied:
        return ["vacant"] if old.occupied else []
    if not old.occupied:
        return [f"occupied, {_guests(new.stays)}"]
    was = {stay.reservation: stay for stay in old.stays}
    now = {stay.reservation: stay for stay in new.stays}
    phrases = [f"{stay_label(r)} joined" for r in now if r not in was]
    phrases += [f"{stay_label(r)} left" for r in was if r not in now]
    if _guests(old.stays) != _guests(new.stays):
        phrases.append(f"now {_guests(new.stays)}")
    for reservation, stay in now.items():
        previous = was.get(reservation)
        if previous is None:
            continue
        if previous.guests != stay.guests and len(previous.guests) == len(stay.guests):
            phrases.append(f"{stay_label(reservation)}: guest details changed")
        if (previous.arrival, previous.departure) != (stay.arrival, stay.departure):
            phrases.append(f"{stay_label(reservation)}: stay {_dates(stay)}")
    return phrases


def _dates(stay: Stay) -> str:
    arrival = stay.arrival.isoformat() if stay.arrival else "?"
    departure = stay.departure.isoformat() if stay.departure else "?"
    return f"{arrival} to {departure}"


def _dnd(wish: DndWish, tz: tzinfo, when: datetime) -> str:
    if not wish.on:
        return "DND off"
    if wish.until is None:
        return "DND on"
    return f"DND on until {hotel_time(wish.until, tz, same_day_as=when)}"


def _wakeups(old: RoomState, new: RoomState, tz: tzinfo, when: datetime) -> list[str]:
    was = {(w.at, w.days) for w in old.wakeups}
    now = {(w.at, w.days) for w in new.wakeups}
    phrases: list[str] = []
    for at, days in sorted(now - was):
        repeat = f" daily for {days} days" if days > 1 else ""
        phrases.append(f"wake-up {hotel_time(at, tz, same_day_as=when)}{repeat} set")
    phrases += [f"wake-up {hotel_time(at, tz, same_day_as=when)} cleared"
                for at, _ in sorted(was - now) if at not in {a for a, _ in now}]
    return phrases
