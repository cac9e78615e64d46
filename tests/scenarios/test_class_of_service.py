"""Class of service: what a room phone may dial, from the PMS's 0-3 (the default mapping:
0 internal only, 1 and 2 national, 3 international)."""

from __future__ import annotations

import pytest

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel

INTERNAL = {"international": False, "domestic": False}
NATIONAL = {"international": False, "domestic": True}
INTERNATIONAL = {"international": True, "domestic": True}


@pytest.mark.parametrize(("cos", "may_call"), [
    (ClassOfService.BARRED, INTERNAL),
    (ClassOfService.LOCAL, NATIONAL),
    (ClassOfService.NATIONAL, NATIONAL),
    (ClassOfService.UNRESTRICTED, INTERNATIONAL),
])
async def test_check_in_sets_what_the_room_may_dial(
    hotel: Hotel, cos: ClassOfService, may_call: dict[str, bool]
) -> None:
    hotel.check_in("111", "Ana", "Lima", cos=cos)
    await hotel.settle()
    assert hotel.may_call("111") == may_call


async def test_a_class_of_service_change_mid_stay_takes_effect(hotel: Hotel) -> None:
    hotel.check_in("112", "Ana", "Lima", cos=ClassOfService.UNRESTRICTED)
    await hotel.settle()
    assert hotel.may_call("112") == INTERNATIONAL

    hotel.advance(hours=5)
    hotel.class_of_service("112", ClassOfService.BARRED)  # the folio went over its limit
    await hotel.settle()
    assert hotel.may_call("112") == INTERNAL
    assert hotel.shown_name("112") == "Ana Lima 2112"

    before = hotel.mark()
    hotel.class_of_service("112", ClassOfService.NATIONAL)
    await hotel.settle()
    assert hotel.may_call("112") == NATIONAL
    # Only the switch that differs is sent: the country rule, not international calling.
    assert hotel.calls_since(before) == {"update_user_outbound_countries": 1}


async def test_a_common_area_room_gets_its_class_of_service(hotel: Hotel) -> None:
    hotel.check_in("126", "Ana", "Lima", cos=ClassOfService.NATIONAL)
    await hotel.settle()
    assert hotel.shown_name("126") == "Ana Lima 2126"
    assert hotel.may_call("126") == NATIONAL

    hotel.class_of_service("126", ClassOfService.UNRESTRICTED)
    await hotel.settle()
    assert hotel.may_call("126") == INTERNATIONAL


async def test_the_class_of_service_is_forgotten_when_the_room_goes_vacant(hotel: Hotel) -> None:
    stay = hotel.check_in("113", "Ana", "Lima")
    hotel.class_of_service("113", ClassOfService.NATIONAL)
    await hotel.settle()
    hotel.check_out("113", stay.reservation)
    await hotel.settle()
    assert hotel.may_call("113") == INTERNAL
    hotel.check_in("113", "Bo", "Chen")  # the next guest starts from the hotel's default
    await hotel.settle()
    assert hotel.may_call("113") == INTERNATIONAL
