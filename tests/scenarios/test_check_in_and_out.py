"""Check-in and check-out, as the front desk and the guest see them in Zoom."""

from __future__ import annotations

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel

INTERNAL = {"international": False, "domestic": False}
NATIONAL = {"international": False, "domestic": True}
INTERNATIONAL = {"international": True, "domestic": True}


async def test_a_checked_in_guest_is_shown_on_the_room_phone(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima")
    await hotel.settle()
    user = hotel.user("101")
    assert (user.first_name, user.last_name, user.display_name) == (
        "Ana", "Lima 2101", "Ana Lima 2101")
    assert hotel.may_call("101") == INTERNATIONAL


async def test_a_vip_guest_is_named_with_the_vip_code(hotel: Hotel) -> None:
    hotel.check_in("102", "Bo", "Chen", vip="VIP1")
    await hotel.settle()
    assert hotel.shown_name("102") == "VIP1 Bo Chen 2102"


async def test_the_renumbered_eighth_floor_is_named_with_its_own_extension(hotel: Hotel) -> None:
    hotel.check_in("805", "Ana", "Lima")
    await hotel.settle()
    assert hotel.shown_name("805") == "Ana Lima 3805"


async def test_check_in_opens_the_phone_to_the_guests_class_of_service(hotel: Hotel) -> None:
    hotel.check_in("103", "Ana", "Lima", cos=ClassOfService.BARRED)
    hotel.check_in("104", "Bo", "Chen", cos=ClassOfService.NATIONAL)
    hotel.check_in("105", "Cy", "Diaz", cos=ClassOfService.UNRESTRICTED)
    hotel.check_in("106", "Di", "Egan")  # no class sent: the hotel's default (3)
    await hotel.settle()
    assert hotel.may_call("103") == INTERNAL
    assert hotel.may_call("104") == NATIONAL
    assert hotel.may_call("105") == INTERNATIONAL
    assert hotel.may_call("106") == INTERNATIONAL


async def test_check_in_purges_voicemail_left_before_the_stay_and_keeps_the_guests(
    hotel: Hotel,
) -> None:
    old = hotel.leave_voicemail("107", minutes_ago=90)
    hotel.check_in("107", "Ana", "Lima")
    await hotel.settle()
    assert old not in hotel.voicemail_ids("107")
    assert hotel.voicemail_ids("107") == set()

    hotel.advance(minutes=5)
    for_the_guest = hotel.leave_voicemail("107", minutes_ago=0)
    hotel.change_guest("107", "R107-Lima", "Ana", "Lima-Souza")  # anything that re-plans the room
    await hotel.settle()
    assert hotel.shown_name("107") == "Ana Lima-Souza 2107"
    assert hotel.voicemail_ids("107") == {for_the_guest}


async def test_check_out_leaves_a_vacant_closed_room_with_an_empty_mailbox(hotel: Hotel) -> None:
    stay = hotel.check_in("108", "Ana", "Lima", cos=ClassOfService.UNRESTRICTED)
    await hotel.settle()
    hotel.advance(hours=20)
    during_the_stay = hotel.leave_voicemail("108", minutes_ago=30)
    hotel.dnd("108", on=True)
    await hotel.settle()
    assert hotel.presence("108") == "Do_Not_Disturb"
    assert hotel.voicemail_ids("108") == {during_the_stay}

    hotel.advance(minutes=5)
    out = hotel.check_out("108", stay.reservation)
    await hotel.settle()
    user = hotel.user("108")
    # The vacant template has no ${last}: it splits at the extension.
    assert (user.first_name, user.last_name, user.display_name) == ("Room 108", "2108",
                                                                    "Room 108 2108")
    assert hotel.may_call("108") == INTERNAL
    assert hotel.voicemail_ids("108") == set()
    assert hotel.presence("108") == "Available"
    assert hotel.status(out).state == "applied"
    assert hotel.refused_calls() == []


async def test_check_out_of_a_reservation_not_in_house_changes_nothing(hotel: Hotel) -> None:
    hotel.check_in("109", "Ana", "Lima")
    await hotel.settle()
    before = hotel.mark()

    stray = hotel.check_out("109", "R-NEVER-HERE")
    await hotel.settle()
    assert hotel.shown_name("109") == "Ana Lima 2109"
    assert hotel.calls_since(before) == {}
    assert hotel.status(stray).rooms == []


async def test_the_same_check_in_delivered_twice_is_applied_once(hotel: Hotel) -> None:
    stay = hotel.check_in("110", "Ana", "Lima")
    received = hotel.send(stay)
    await hotel.settle()
    assert received[0].duplicate
    assert hotel.shown_name("110") == "Ana Lima 2110"
    assert hotel.calls("update_user") == 1
