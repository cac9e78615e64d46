"""A room move: the guest, their DND and their class of service go to the new room; the old
room is left as at check-out."""

from __future__ import annotations

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel

INTERNAL = {"international": False, "domestic": False}
NATIONAL = {"international": False, "domestic": True}


async def test_a_moved_guest_takes_name_dnd_and_class_of_service_to_the_new_room(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("103", "Ana", "Lima", cos=ClassOfService.NATIONAL)
    await hotel.settle()
    hotel.advance(hours=3)
    hotel.dnd("103", on=True)
    left_for_ana = hotel.leave_voicemail("103", minutes_ago=20)
    await hotel.settle()
    hotel.advance(minutes=5)

    move = hotel.change_guest("104", stay.reservation, "Ana", "Lima", old_room="103")
    await hotel.settle()

    assert hotel.shown_name("104") == "Ana Lima 2104"
    assert hotel.presence("104") == "Do_Not_Disturb"
    assert hotel.may_call("104") == NATIONAL

    assert hotel.shown_name("103") == "Room 103 2103"
    assert hotel.presence("103") == "Available"
    assert hotel.may_call("103") == INTERNAL
    assert left_for_ana not in hotel.voicemail_ids("103")
    assert hotel.voicemail_ids("103") == set()

    assert hotel.status(move).state == "applied"
    assert hotel.status(move).rooms == ["103", "104"]
    assert hotel.refused_calls() == []


async def test_a_class_of_service_set_during_the_stay_moves_with_the_guest(hotel: Hotel) -> None:
    stay = hotel.check_in("105", "Ana", "Lima")
    hotel.class_of_service("105", ClassOfService.BARRED)
    await hotel.settle()
    hotel.change_guest("106", stay.reservation, "Ana", "Lima", old_room="105")
    await hotel.settle()
    assert hotel.may_call("106") == INTERNAL
    assert hotel.shown_name("105") == "Room 105 2105"


async def test_a_move_into_a_room_with_a_sharer_leaves_the_sharer_named(hotel: Hotel) -> None:
    stay = hotel.check_in("107", "Ana", "Lima")
    hotel.check_in("108", "Ben", "Cruz")
    await hotel.settle()
    hotel.change_guest("108", stay.reservation, "Ana", "Lima", old_room="107")
    await hotel.settle()
    assert hotel.shown_name("108") == "Ben Cruz 2108"  # the first one in names the room
    assert hotel.shown_name("107") == "Room 107 2107"
