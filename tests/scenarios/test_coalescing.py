"""Many events for one room before the connector gets to it become one set of calls."""

from __future__ import annotations

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel


async def test_ten_events_for_one_room_become_one_rename(hotel: Hotel) -> None:
    stay = hotel.check_in("214", "Ana", "Lima")
    for n in range(8):
        hotel.change_guest("214", stay.reservation, "Ana", f"Lima {n}")
    last = hotel.change_guest("214", stay.reservation, "Ana", "Souza")
    await hotel.settle()

    assert hotel.shown_name("214") == "Ana Souza 2214"
    assert hotel.calls("update_user") == 1
    assert hotel.status(last).state == "applied"


async def test_a_burst_of_mixed_events_costs_one_call_per_thing_that_changed(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("215", "Ana", "Lima", cos=ClassOfService.UNRESTRICTED)
    hotel.dnd("215", on=True)
    hotel.class_of_service("215", ClassOfService.BARRED)
    hotel.change_guest("215", stay.reservation, "Ana", "Souza")
    hotel.dnd("215", on=False)
    hotel.class_of_service("215", ClassOfService.NATIONAL)
    hotel.dnd("215", on=True)
    hotel.change_guest("215", stay.reservation, "Ana", "Lima")
    hotel.class_of_service("215", ClassOfService.BARRED)
    hotel.dnd("215", on=True)
    await hotel.settle()

    assert hotel.shown_name("215") == "Ana Lima 2215"
    assert hotel.presence("215") == "Do_Not_Disturb"
    assert hotel.may_call("215") == {"international": False, "domestic": False}
    assert hotel.calls("update_user") == 1
    assert hotel.calls("set_presence") == 1
    assert hotel.calls("update_phone_user") == 1
    assert hotel.calls("update_user_outbound_countries") == 1


async def test_settling_again_with_nothing_new_sends_nothing(hotel: Hotel) -> None:
    hotel.check_in("216", "Ana", "Lima")
    hotel.check_in("218", "Bo", "Chen")
    await hotel.settle()
    before = hotel.mark()
    await hotel.settle()
    hotel.advance(minutes=10)
    await hotel.settle()
    assert hotel.calls_since(before) == {}
