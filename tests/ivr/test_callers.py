"""Which room is calling (P-Asserted-Identity, then From; exact extensions only) and which
service it dialled; callers that are no guest room are turned away."""

from __future__ import annotations

import pytest

from connector.ivr.caller import room_of_caller, service_for
from connector.settings.phone import IvrService, IvrSettings
from connector.sip.api import CallerId
from tests.ivr.conftest import HOUSEKEEPING, ROOM_MAP, WAKEUP, Desk, MakeDesk
from tests.ivr.fakes import keys


def caller(number: str, from_user: str | None = None, dialled: str = HOUSEKEEPING) -> CallerId:
    return CallerId(number=number, name="", from_user=from_user or number, dialled=dialled)


def test_the_asserted_identity_names_the_room_before_the_from_header() -> None:
    # A forwarded call: Zoom asserts the room, From is the forwarding extension.
    assert room_of_caller(caller("2101", from_user="2999"), ROOM_MAP) == "101"


def test_the_from_user_names_the_room_when_the_asserted_number_is_no_room() -> None:
    assert room_of_caller(caller("+15557770007", from_user="2102"), ROOM_MAP) == "102"


@pytest.mark.parametrize("number", ["+15557772101", "15557772101", "21011", "2 101", "", "abc"])
def test_a_number_that_only_ends_with_a_rooms_extension_is_no_room(number: str) -> None:
    assert room_of_caller(caller(number), ROOM_MAP) is None


def test_leading_zeros_name_the_same_extension_as_in_the_room_map() -> None:
    assert room_of_caller(caller("02101"), ROOM_MAP) == "101"


@pytest.mark.parametrize(("dialled", "default", "service"), [
    ("7001", "wakeup", IvrService.HOUSEKEEPING),
    ("7002", "housekeeping", IvrService.WAKEUP),
    ("7999", "wakeup", IvrService.WAKEUP),
    ("7999", "housekeeping", IvrService.HOUSEKEEPING),
])
def test_calls_are_routed_by_the_number_dialled_else_to_the_default_service(
    dialled: str, default: str, service: IvrService,
) -> None:
    settings = IvrSettings(housekeeping_number="7001", wakeup_number="7002",
                           default_service=IvrService(default))

    assert service_for(dialled, settings) is service


async def test_a_caller_who_is_no_guest_room_hears_so_and_is_hung_up_on(desk: Desk) -> None:
    call = await desk.call("5550199", keys("2"))

    assert call.plays == [["not_a_guest_room"]]
    assert call.hung_up_by_service
    assert desk.reports() == [] and desk.store.all_rooms() == {}
    assert desk.metric("connector_ivr_unknown_callers_total") == 1
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="unknown_caller") == 1


async def test_a_forwarded_room_call_is_served_for_the_asserted_room(desk: Desk) -> None:
    await desk.call("2103", keys("2"), from_user="2999")

    assert [r.room for r in desk.reports()] == ["103"]


async def test_a_call_with_no_number_dialled_reaches_the_default_service(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(default_service="wakeup")
    desk.check_in("101")

    call = await desk.call("2101", [], dialled="")
    housekeeping = await desk.call("2101", [], dialled=HOUSEKEEPING)
    wakeup = await desk.call("2101", [], dialled=WAKEUP)

    assert call.plays[0][0] == wakeup.plays[0][0] == "wakeup_service"
    assert housekeeping.plays[0][0] == "housekeeping_welcome"
