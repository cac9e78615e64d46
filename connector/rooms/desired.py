"""Fold PMS events into rooms' desired state (pure: the store hands in the rooms and keeps
what comes back, in the same transaction as the event's arrival).

Rules, as a front desk would expect them:
- A room is occupied while at least one reservation is in house; sharers check in and out on
  their own; the first one in names the room, and when it leaves the next one does.
- A room that goes vacant forgets its guest's wishes (DND, class of service, message light,
  wake-ups) and must keep no voicemail left before that moment; a room that becomes occupied
  must keep none left before the new stay began.
- A move takes the reservation, and with it (when the old room is left empty) the guest's
  wake-ups, to the new room; the old room goes vacant as at check-out. A sharer who moves out
  leaves the others in the old room (the next one names it). The guest's DND and class of
  service go along into an empty room; a guest who moves into an occupied room (sharer or
  not: the PMS is authoritative, both stays are kept) becomes a sharer there, under the
  room's DND and class of service.
- A PMS that keys guests by room (no reservation numbers) gives each room one stay of its
  own; its rules are in `room_keyed`.
- A resync (start … end) is the PMS's full list: reservations it did not repeat are gone.
- Housekeeping's status (from the room phone) is kept with the maid status it amounts to:
  clean, dirty or inspected, vacant or occupied as the room is when it is keyed; out of order
  and maintenance leave the room dirty. One changed in the PMS (FIAS RS) is kept with the
  PMS's own maid status. Check-in and check-out do not change it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    ClassOfServiceChange,
    Dnd,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
    MessageWaiting,
    ResyncEnd,
    ResyncStart,
    WakeupClear,
    WakeupSet,
)
from connector.rooms.occupancy import upsert_stay, vacated, wishes_follow
from connector.rooms.room_keyed import check_out_by_room, move_by_room, stay_by_room
from connector.rooms.state import DndWish, Housekeeping, RoomState, Wakeup

RESYNC_KEY = "resync"


class RoomView(Protocol):
    """The rooms as stored, seen from inside the ingest transaction."""

    def get(self, room: str) -> RoomState | None: ...
    def all(self) -> dict[str, RoomState]: ...
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str | None) -> None: ...


def fold(event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
    """The rooms this event changes, with their versions bumped; {} when it changes nothing."""
    before: dict[str, RoomState] = {}
    after: dict[str, RoomState] = {}

    def current(room: str) -> RoomState:
        if room not in after:
            before[room] = rooms.get(room) or RoomState(room=room)
            after[room] = before[room]
        return after[room]

    def put(state: RoomState) -> None:
        current(state.room)
        after[state.room] = state

    def put_all(states: tuple[RoomState, ...]) -> None:
        for state in states:
            put(state)

    match event:
        case GuestChange(old_room=str(old_room)) if old_room != event.room:
            if event.reservation is None:
                put_all(move_by_room(current(old_room), current(event.room), event, seq))
            else:
                _move(event, seq, current, put)
        case CheckIn() | GuestChange() if event.reservation is None:
            put(stay_by_room(current(event.room), event, seq))
        case CheckIn() | GuestChange():
            put(upsert_stay(current(event.room), event, seq, event.occurred_at))
        case CheckOut(reservation=None):
            put(check_out_by_room(current(event.room), event.occurred_at))
        case CheckOut(reservation=str(reservation)):
            put(_check_out(current(event.room), reservation, event.occurred_at))
        case Dnd():
            wish = DndWish(on=event.on, until=event.until if event.on else None)
            put(current(event.room).model_copy(update={"dnd": wish}))
        case ClassOfServiceChange():
            put(current(event.room).model_copy(update={"class_of_service": event.level}))
        case MessageWaiting():
            put(current(event.room).model_copy(update={"message_waiting": event.on}))
        case WakeupSet():
            put(_set_wakeup(current(event.room), event))
        case WakeupClear():
            state = current(event.room)
            kept = tuple(w for w in state.wakeups if event.at is not None and w.at != event.at)
            put(state.model_copy(update={"wakeups": kept}))
        case ResyncStart():
            rooms.set_meta(RESYNC_KEY, json.dumps({"id": event.resync_id, "seq": seq}))
        case ResyncEnd():
            started = _resync_started(rooms, event.resync_id)
            if started is not None:
                rooms.set_meta(RESYNC_KEY, None)
                for state in rooms.all().values():
                    put(_drop_unseen(current(state.room), started, event.occurred_at))
        case HousekeepingUpdate():
            state = current(event.room)
            put(state.model_copy(update={"housekeeping": _housekeeping(event, state.occupied)}))
    return {
        room: state.model_copy(update={"version": before[room].version + 1})
        for room, state in after.items()
        if not _same_content(state, before[room])
    }


def _same_content(state: RoomState, before: RoomState) -> bool:
    """Equal but for the version: the fields compared as they are (nested models by their
    own equality), not as two dumps of the whole room, stays and guests included."""
    return {**vars(state), "version": 0} == {**vars(before), "version": 0}


def _check_out(state: RoomState, reservation: str, at: datetime) -> RoomState:
    remaining = tuple(s for s in state.stays if s.reservation != reservation)
    if len(remaining) == len(state.stays):
        return state  # not in house here: a repeat, or a reservation we never saw
    if not remaining:
        return vacated(state, at)
    return state.model_copy(update={"stays": remaining})


def _move(event: GuestChange, seq: int, current: _Current, put: _Put) -> None:
    assert event.old_room is not None
    old = current(event.old_room)
    moving = next((s for s in old.stays if s.reservation == event.reservation), None)
    checked_in_at = moving.checked_in_at if moving else event.occurred_at
    target = current(event.room)
    new = upsert_stay(target, event, seq, checked_in_at, moving)
    if moving is not None and len(old.stays) == 1:
        new = wishes_follow(old, new, joined=target.occupied)
    put(new)
    assert event.reservation is not None
    put(_check_out(old, event.reservation, event.occurred_at))


def _set_wakeup(state: RoomState, event: WakeupSet) -> RoomState:
    others = [w for w in state.wakeups if w.at != event.at]
    wakeup = Wakeup(at=event.at, days=event.days, set_by_event=event.id)
    wakeups = tuple(sorted([*others, wakeup], key=lambda w: w.at))
    return state.model_copy(update={"wakeups": wakeups})


# FIAS RS for each status keyed, vacant and occupied.
_MAID_STATUS: dict[HousekeepingStatus, tuple[int, int]] = {
    HousekeepingStatus.DIRTY: (1, 2),
    HousekeepingStatus.CLEAN: (3, 4),
    HousekeepingStatus.INSPECTED: (5, 6),
    HousekeepingStatus.OUT_OF_ORDER: (1, 2),
    HousekeepingStatus.MAINTENANCE: (1, 2),
}


def _housekeeping(event: HousekeepingUpdate, occupied: bool) -> Housekeeping:
    vacant_status, occupied_status = _MAID_STATUS[event.status]
    told = event.maid_status  # the PMS's RS: vacant or occupied as the PMS sees the room
    return Housekeeping(
        status=event.status,
        maid_status=told or (occupied_status if occupied else vacant_status),
        at=event.occurred_at,
        attendant=event.attendant,
        source=event.source,
    )


def _resync_started(rooms: RoomView, resync_id: str) -> int | None:
    raw = rooms.meta(RESYNC_KEY)
    if raw is None:
        return None
    started: Mapping[str, object] = json.loads(raw)
    seq = started.get("seq")
    return seq if started.get("id") == resync_id and isinstance(seq, int) else None


def _drop_unseen(state: RoomState, started_seq: int, at: datetime) -> RoomState:
    kept = tuple(s for s in state.stays if s.seen_seq > started_seq)
    if len(kept) == len(state.stays):
        return state
    if not kept:
        return vacated(state, at)
    return state.model_copy(update={"stays": kept})


class _Current(Protocol):
    def __call__(self, room: str) -> RoomState: ...


class _Put(Protocol):
    def __call__(self, state: RoomState) -> None: ...
