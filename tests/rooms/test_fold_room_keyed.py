"""A PMS that keys guests by room (FIAS without G#): who the front desk sees in each room."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.events.models import CheckIn, CheckOut, Dnd, Guest, GuestChange, WakeupSet
from tests.support.memory_rooms import MemoryRooms

MORNING = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def _guest(name: str) -> list[Guest]:
    first, last = name.split()
    return [Guest(first_name=first, last_name=last)]


def check_in(room: str, name: str, *, share: bool = False, hours: int = 0) -> CheckIn:
    return CheckIn(id=f"ci-{next(_ids)}", occurred_at=MORNING + timedelta(hours=hours),
                   room=room, guests=_guest(name), share=share)


def change(room: str, name: str, *, old_room: str | None = None, share: bool = False,
           old_room_share: bool = False) -> GuestChange:
    return GuestChange(id=f"gc-{next(_ids)}", occurred_at=MORNING + timedelta(hours=3),
                       room=room, guests=_guest(name), old_room=old_room, share=share,
                       old_room_share=old_room_share)


def check_out(room: str) -> CheckOut:
    return CheckOut(id=f"co-{next(_ids)}", occurred_at=MORNING + timedelta(hours=5), room=room)


def test_a_check_in_by_room_occupies_the_room_under_its_own_stay() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"))
    assert hotel.guests("101") == ["Ana Lima"]
    assert hotel.room("101").primary is not None
    assert hotel.room("101").primary.reservation is None  # type: ignore[union-attr]


def test_a_sharer_by_room_is_added_to_the_room_and_a_repeat_changes_nothing() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True))
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True))
    assert hotel.guests("101") == ["Ana Lima", "Ben Cruz"]


def test_a_new_guest_checked_in_by_room_replaces_the_last_one_and_their_wishes() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"),
                Dnd(id="dnd-1", occurred_at=MORNING, room="101", on=True))
    hotel.apply(check_in("101", "Carl Diaz", hours=30))  # the PMS never sent Ana's GO
    room = hotel.room("101")
    assert hotel.guests("101") == ["Carl Diaz"]
    assert not room.dnd.on  # Ana's quiet is not Carl's
    assert room.no_voicemail_before == MORNING + timedelta(hours=30)  # nor is her voicemail


def test_a_guest_change_by_room_renames_the_room_and_keeps_its_sharer() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True))
    hotel.apply(change("101", "Ana Lima-Cruz"))
    assert hotel.guests("101") == ["Ana Lima-Cruz", "Ben Cruz"]


def test_a_check_out_by_room_empties_the_room_whatever_it_held() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True),
                CheckIn(id="with-g", occurred_at=MORNING, room="101", reservation="77",
                        guests=_guest("Dora Eng"), share=True))
    hotel.apply(check_out("101"))
    assert not hotel.room("101").occupied


def test_a_move_by_room_takes_the_whole_stay_and_its_wake_up() -> None:
    hotel = MemoryRooms()
    wake = MORNING + timedelta(days=1)
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True),
                WakeupSet(id="wr-1", occurred_at=MORNING, room="101", at=wake))
    hotel.apply(change("202", "Ana Lima", old_room="101"))
    assert hotel.guests("202") == ["Ana Lima", "Ben Cruz"]
    assert [w.at for w in hotel.room("202").wakeups] == [wake]
    assert not hotel.room("101").occupied
    assert hotel.room("202").occupancy_since == MORNING  # still the stay that began then


def test_a_sharer_moving_out_by_room_leaves_the_others_in_the_old_room() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"), check_in("101", "Ben Cruz", share=True))
    hotel.apply(change("202", "Ben Cruz", old_room="101", old_room_share=True))
    assert hotel.guests("101") == ["Ana Lima"]
    assert hotel.guests("202") == ["Ben Cruz"]


def test_a_move_by_room_into_an_occupied_room_joins_the_guests_there() -> None:
    hotel = MemoryRooms()
    hotel.apply(check_in("101", "Ana Lima"), check_in("202", "Ben Cruz"))
    hotel.apply(change("202", "Ana Lima", old_room="101", share=True))
    assert hotel.guests("202") == ["Ben Cruz", "Ana Lima"]
    assert not hotel.room("101").occupied
