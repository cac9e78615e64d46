"""Sharers: guests of one room who check in and out on their own."""

from __future__ import annotations

from tests.scenarios.hotel import Hotel


async def test_a_sharer_joins_and_the_first_guest_keeps_naming_the_room(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima")
    await hotel.settle()
    hotel.check_in("101", "Ben", "Cruz", share=True)
    await hotel.settle()
    assert hotel.shown_name("101") == "Ana Lima 2101"
    assert hotel.calls("update_user") == 1  # the sharer changed nothing Zoom shows


async def test_when_the_first_guest_leaves_the_room_is_named_for_the_sharer(hotel: Hotel) -> None:
    ana = hotel.check_in("101", "Ana", "Lima")
    hotel.check_in("101", "Ben", "Cruz", share=True)
    await hotel.settle()

    hotel.check_out("101", ana.reservation)
    await hotel.settle()
    assert hotel.shown_name("101") == "Ben Cruz 2101"
    assert hotel.may_call("101") == {"international": True, "domestic": True}


async def test_when_the_last_sharer_leaves_the_room_goes_vacant(hotel: Hotel) -> None:
    ana = hotel.check_in("101", "Ana", "Lima")
    ben = hotel.check_in("101", "Ben", "Cruz", share=True)
    await hotel.settle()
    hotel.advance(hours=2)
    hotel.dnd("101", on=True)
    message = hotel.leave_voicemail("101", minutes_ago=10)
    await hotel.settle()
    hotel.check_out("101", ana.reservation)
    await hotel.settle()
    # One guest is still in: the room keeps its DND and its messages.
    assert hotel.presence("101") == "Do_Not_Disturb"
    assert hotel.voicemail_ids("101") == {message}

    hotel.advance(minutes=5)
    last = hotel.check_out("101", ben.reservation)
    await hotel.settle()
    assert hotel.shown_name("101") == "Room 101 2101"
    assert hotel.may_call("101") == {"international": False, "domestic": False}
    assert hotel.voicemail_ids("101") == set()
    assert hotel.presence("101") == "Available"
    assert hotel.status(last).state == "applied"
    assert hotel.refused_calls() == []
