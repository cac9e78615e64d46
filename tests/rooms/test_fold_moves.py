"""Room moves folded into the rooms: who is where afterwards, and whose wishes go along."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.events.models import (
    CheckIn,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Guest,
    GuestChange,
    WakeupSet,
)
from tests.support.memory_rooms import MemoryRooms

MORNING = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def _id() -> str:
    return f"evt-{next(_ids)}"


def check_in(room: str, reservation: str, first: str, last: str, *,
             share: bool = False) -> CheckIn:
    return CheckIn(id=_id(), occurred_at=MORNING, room=room, reservation=reservation,
                   guests=[Guest(first_name=first, last_name=last)], share=share)


def move(old: str, new: str, reservation: str, first: str, last: str, *,
         share: bool = False, old_room_share: bool = False) -> GuestChange:
    return GuestChange(id=_id(), occurred_at=MORNING + timedelta(hours=2), room=new,
                       old_room=old, reservation=reservation,
                       guests=[Guest(first_name=first, last_name=last)],
                       share=share, old_room_share=old_room_share)


def test_a_sharer_who_moves_out_leaves_the_others_in_the_old_room() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "R1", "Ana", "Lima"),
                check_in("101", "R2", "Ben", "Cruz", share=True))
    hotel.apply(move("101", "202", "R1", "Ana", "Lima", old_room_share=True))
    assert hotel.guests("101") == ["Ben Cruz"]  # the next guest now names the room
    assert hotel.guests("202") == ["Ana Lima"]


def test_a_guest_who_joins_an_occupied_room_becomes_a_sharer_under_its_dnd() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "R1", "Ana", "Lima"), check_in("202", "R2", "Ben", "Cruz"))
    hotel.apply(Dnd(id=_id(), occurred_at=MORNING, room="101", on=True),
                ClassOfServiceChange(id=_id(), occurred_at=MORNING, room="101",
                                     level=ClassOfService.BARRED),
                WakeupSet(id=_id(), occurred_at=MORNING, room="101",
                          at=MORNING + timedelta(days=1)))
    hotel.apply(move("101", "202", "R1", "Ana", "Lima", share=True))
    assert hotel.guests("202") == ["Ben Cruz", "Ana Lima"]
    joined = hotel.room("202")
    assert not joined.dnd.on  # Ben did not ask for quiet
    assert joined.class_of_service is None  # nor was his phone barred
    assert [w.at for w in joined.wakeups] == [MORNING + timedelta(days=1)]  # Ana's call
    assert not hotel.room("101").occupied


def test_a_non_sharer_moved_into_an_occupied_room_is_kept_beside_the_guest_there() -> None:
    # The PMS is authoritative: it said Ana now sleeps in 202, and it never checked Ben out.
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "R1", "Ana", "Lima"), check_in("202", "R2", "Ben", "Cruz"))
    hotel.apply(move("101", "202", "R1", "Ana", "Lima", share=False))
    assert hotel.guests("202") == ["Ben Cruz", "Ana Lima"]


def test_a_guest_moving_into_an_empty_room_takes_dnd_and_class_of_service() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "R1", "Ana", "Lima"),
                Dnd(id=_id(), occurred_at=MORNING, room="101", on=True),
                ClassOfServiceChange(id=_id(), occurred_at=MORNING, room="101",
                                     level=ClassOfService.LOCAL))
    hotel.apply(move("101", "202", "R1", "Ana", "Lima"))
    moved = hotel.room("202")
    assert moved.dnd.on
    assert moved.class_of_service is ClassOfService.LOCAL
    assert not hotel.room("101").occupied
