"""Hydration: one read of OPERA per notice, and the resync from the in-house list."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import respx

from connector.events.models import CheckIn, CheckOut, HousekeepingUpdate, WakeupClear, WakeupSet
from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.notices import poll_notice, stream_notice
from tests.ohip.conftest import HOTEL_TZ
from tests.ohip.factories import (
    in_house_page,
    in_house_row,
    polled,
    reservation,
    streamed,
    wakeup_call,
)

ARRIVED = datetime(2026, 3, 10, 10, 15, 30, tzinfo=UTC)
RESERVATION = "/rsv/v1/hotels/HOTEL1/reservations/880001"
WAKEUPS = "/fof/v1/hotels/HOTEL1/reservations/880001/wakeUpCalls"


def _api_calls(gateway: respx.MockRouter) -> list[str]:
    return [c.request.url.path for c in gateway.calls if "/oauth/" not in c.request.url.path]


async def test_a_streamed_check_in_reads_the_reservation_once(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(RESERVATION).mock(return_value=httpx.Response(200, json=reservation()))
    [event] = await pms.hydrate(stream_notice(streamed("CHECK IN", "880001"), ARRIVED))
    assert isinstance(event, CheckIn) and event.room == "1204"
    assert _api_calls(gateway) == [RESERVATION]


async def test_a_polled_check_out_reads_the_reservation_once(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(RESERVATION).mock(return_value=httpx.Response(
        200, json=reservation(status="CheckedOut")))
    [event] = await pms.hydrate(poll_notice(polled("CHECK OUT", "880001"), ARRIVED))
    assert isinstance(event, CheckOut)
    assert _api_calls(gateway) == [RESERVATION]


async def test_a_wake_up_set_in_opera_reads_the_reservations_calls_once(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    route = gateway.get(WAKEUPS).mock(return_value=httpx.Response(
        200, json={"calls": [wakeup_call("2026-03-11T07:00:00")]}))
    [event] = await pms.hydrate(stream_notice(
        streamed("CREATE WAKE UP CALL", "880001"), ARRIVED))
    assert isinstance(event, WakeupSet)
    assert event.at == datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ)
    assert _api_calls(gateway) == [WAKEUPS]
    assert route.calls.last.request.url.params["fetchCancelled"] == "true"


async def test_a_deleted_last_wake_up_reads_the_reservation_for_its_room(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    gateway.get(WAKEUPS).mock(return_value=httpx.Response(200, json={"calls": []}))
    gateway.get(RESERVATION).mock(return_value=httpx.Response(200, json=reservation()))
    [event] = await pms.hydrate(stream_notice(streamed(
        "DELETE WAKE UP CALL", "880001",
        details=[("WAKEUPTIME", "2026-03-11T07:00:00", "")]), ARRIVED))
    assert isinstance(event, WakeupClear) and event.room == "1204"
    assert event.at == datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ)


async def test_a_room_status_needs_no_read(pms: OhipPms, gateway: respx.MockRouter) -> None:
    [event] = await pms.hydrate(stream_notice(streamed(
        "UPDATE ROOM STATUS", "1204", details=[("ROOMSTATUS", "Dirty", "Clean")]), ARRIVED))
    assert isinstance(event, HousekeepingUpdate) and event.source == "pms"
    assert _api_calls(gateway) == []


async def test_an_event_the_phones_do_not_use_reads_nothing(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    assert await pms.hydrate(stream_notice(
        streamed("NEW GUEST MESSAGE", "880001"), ARRIVED)) == []
    assert gateway.calls.call_count == 0


async def test_the_resync_reads_every_page_of_the_in_house_list(
        pms: OhipPms, gateway: respx.MockRouter) -> None:
    first = [in_house_row(str(n), str(100 + n)) for n in range(100)]
    route = gateway.get("/rsv/v1/hotels/HOTEL1/reservations").mock(side_effect=[
        httpx.Response(200, json=in_house_page(first, offset=0, total=101, has_more=True)),
        httpx.Response(200, json=in_house_page([in_house_row("900", "100")], offset=100,
                                               total=101, has_more=False))])
    stays = await pms.in_house()
    assert len(stays) == 101 and route.call_count == 2
    assert route.calls.last.request.url.params["searchType"] == "InHouse"
    assert route.calls.last.request.url.params["offset"] == "100"
    assert (stays[-1].room, stays[-1].share) == ("100", True)  # a sharer of room 100
