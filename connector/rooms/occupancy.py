"""Stays coming and going in one room (pure): the steps the fold is made of."""

from __future__ import annotations

from datetime import datetime

from connector.events.models import CheckIn, GuestChange
from connector.rooms.state import DndWish, RoomState, Stay


def stay_from(
    event: CheckIn | GuestChange, seq: int, checked_in_at: datetime, previous: Stay | None = None
) -> Stay:
    """The stay as the event describes it. What the event leaves out (None) is kept from the
    reservation's previous stay: a name change that does not repeat a barred class of
    service must not open the phone to the world."""
    stay = Stay(
        reservation=event.reservation,
        guests=tuple(event.guests),
        arrival=event.arrival,
        departure=event.departure,
        class_of_service=event.class_of_service,
        checked_in_at=checked_in_at,
        seen_seq=seq,
    )
    if previous is None:
        return stay
    told = stay.model_dump(include={"arrival", "departure", "class_of_service"},
                           exclude_none=True)
    kept = previous.model_dump(include={"arrival", "departure", "class_of_service"})
    return stay.model_copy(update={**kept, **told})


def upsert_stay(
    state: RoomState,
    event: CheckIn | GuestChange,
    seq: int,
    checked_in_at: datetime,
    previous: Stay | None = None,
) -> RoomState:
    """Add the reservation, or refresh it if already in house (a repeat, a resync, a change).
    `previous` is the reservation's stay in another room (a move)."""
    stays = list(state.stays)
    for index, stay in enumerate(stays):
        if stay.reservation == event.reservation:
            stays[index] = stay_from(event, seq, stay.checked_in_at, stay)
            return state.model_copy(update={"stays": tuple(stays)})
    if not state.occupied:
        state = became_occupied(state, checked_in_at)
    added = stay_from(event, seq, checked_in_at, previous)
    return state.model_copy(update={"stays": (*state.stays, added)})


def became_occupied(state: RoomState, at: datetime) -> RoomState:
    """The room's first guest arrived at `at`: no voicemail from before then."""
    return state.model_copy(update={
        "no_voicemail_before": later(state.no_voicemail_before, at),
        "occupancy_since": at,
    })


def vacated(state: RoomState, at: datetime) -> RoomState:
    """The room's last guest left at `at`: their wishes go, and so does their voicemail."""
    return state.model_copy(update={
        "stays": (),
        "dnd": DndWish(),
        "class_of_service": None,
        "message_waiting": False,
        "wakeups": (),
        "no_voicemail_before": later(state.no_voicemail_before, at),
        "occupancy_since": at,
    })


def later(current: datetime | None, candidate: datetime) -> datetime:
    """The later of the two (None counts as the earliest)."""
    return candidate if current is None or candidate > current else current


def wishes_follow(old: RoomState, new: RoomState, *, joined: bool) -> RoomState:
    """A guest who leaves a room empty takes their wake-ups along; into a room of their own
    they take their DND and class of service too. Joining guests already in house, they
    share the room's DND and class of service as those guests set them."""
    wakeups = tuple(sorted({*new.wakeups, *old.wakeups}, key=lambda w: w.at))
    if joined:
        return new.model_copy(update={"wakeups": wakeups})
    return new.model_copy(update={
        "dnd": old.dnd, "class_of_service": old.class_of_service, "wakeups": wakeups})
