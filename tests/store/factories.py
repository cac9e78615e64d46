"""Small factories for the store's tests: PMS events and a toy fold that turns them into
room state the way the real one will (a version bump per change)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from connector.events.models import (
    CheckIn,
    CheckOut,
    Dnd,
    Event,
    Guest,
    GuestChange,
    ResyncEnd,
    ResyncStart,
)
from connector.rooms.state import DndWish, RoomState, Stay
from connector.store import RoomView

MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
_counter = iter(range(1, 1_000_000))


def _next_id() -> str:
    return f"evt-{next(_counter)}"


def check_in(
    room: str, *, reservation: str = "R1", first: str = "Ada", last: str = "Lovelace",
    event_id: str | None = None,
) -> CheckIn:
    return CheckIn(
        id=event_id or _next_id(),
        occurred_at=MORNING,
        room=room,
        reservation=reservation,
        guests=[Guest(first_name=first, last_name=last)],
    )


def check_out(room: str, *, reservation: str = "R1", event_id: str | None = None) -> CheckOut:
    return CheckOut(
        id=event_id or _next_id(), occurred_at=MORNING, room=room, reservation=reservation
    )


def room_move(old: str, new: str, *, reservation: str = "R1") -> GuestChange:
    return GuestChange(
        id=_next_id(),
        occurred_at=MORNING,
        room=new,
        old_room=old,
        reservation=reservation,
        guests=[Guest(first_name="Ada", last_name="Lovelace")],
    )


def dnd(room: str, on: bool = True) -> Dnd:
    return Dnd(id=_next_id(), occurred_at=MORNING + timedelta(hours=1), room=room, on=on)


def resync_start(resync_id: str = "sync-1") -> ResyncStart:
    return ResyncStart(id=_next_id(), occurred_at=MORNING, resync_id=resync_id)


def resync_end(resync_id: str = "sync-1") -> ResyncEnd:
    return ResyncEnd(id=_next_id(), occurred_at=MORNING, resync_id=resync_id)


def _changed(before: RoomState, **update: object) -> RoomState:
    return before.model_copy(update={**update, "version": before.version + 1})


def fold(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
    """Enough of the real fold to exercise the store: stays, moves, DND and the resync flag."""
    if isinstance(event, ResyncStart):
        rooms.set_meta("resync", event.resync_id)
        return {}
    if isinstance(event, ResyncEnd):
        rooms.set_meta("resync", None)
        return {}
    before = rooms.get(event.room) or RoomState(room=event.room)
    if isinstance(event, CheckIn):
        stay = Stay(
            reservation=event.reservation,
            guests=tuple(event.guests),
            checked_in_at=event.occurred_at,
            seen_seq=seq,
        )
        return {event.room: _changed(before, stays=(*before.stays, stay))}
    if isinstance(event, CheckOut):
        stays = tuple(s for s in before.stays if s.reservation != event.reservation)
        return {event.room: _changed(before, stays=stays)}
    if isinstance(event, GuestChange) and event.old_room:
        old = rooms.get(event.old_room)
        assert old is not None, f"room move out of {event.old_room}, which has no state"
        moving = tuple(s for s in old.stays if s.reservation == event.reservation)
        staying = tuple(s for s in old.stays if s.reservation != event.reservation)
        return {
            event.old_room: _changed(old, stays=staying),
            event.room: _changed(before, stays=(*before.stays, *moving)),
        }
    if isinstance(event, Dnd):
        return {event.room: _changed(before, dnd=DndWish(on=event.on, until=event.until))}
    return {}


class CountingFold:
    """The toy fold, counting which events it was given."""

    def __init__(self) -> None:
        self.folded: list[str] = []

    def __call__(self, event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        self.folded.append(event.id)
        return fold(event, seq, rooms)


def guest_names(state: RoomState | None) -> list[str]:
    """Who the front desk would see in the room."""
    if state is None:
        return []
    return [f"{g.first_name} {g.last_name}" for stay in state.stays for g in stay.guests]
