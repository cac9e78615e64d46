"""A guest change in the same room: the front desk corrects or updates a guest's name."""

from __future__ import annotations

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel


async def test_a_corrected_name_renames_the_room_phone_with_one_call(hotel: Hotel) -> None:
    stay = hotel.check_in("105", "Ana", "Lima")
    await hotel.settle()
    before = hotel.mark()

    hotel.change_guest("105", stay.reservation, "Ana", "Souza")
    await hotel.settle()

    user = hotel.user("105")
    assert (user.first_name, user.last_name, user.display_name) == (
        "Ana", "Souza 2105", "Ana Souza 2105")
    assert hotel.calls_since(before) == {"update_user": 1}


async def test_names_in_any_script_reach_the_phone(hotel: Hotel) -> None:
    stay = hotel.check_in("106", "Zoë", "Ångström")
    await hotel.settle()
    assert hotel.shown_name("106") == "Zoë Ångström 2106"
    hotel.change_guest("106", stay.reservation, "美咲", "山田")
    await hotel.settle()
    assert hotel.shown_name("106") == "美咲 山田 2106"


async def test_a_name_change_that_does_not_repeat_the_class_of_service_keeps_it(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("107", "Ana", "Lima", cos=ClassOfService.BARRED)
    await hotel.settle()
    hotel.change_guest("107", stay.reservation, "Ana", "Souza")
    await hotel.settle()
    assert hotel.shown_name("107") == "Ana Souza 2107"
    assert hotel.may_call("107") == {"international": False, "domestic": False}
