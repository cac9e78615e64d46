"""The Cloudbeds client: never above the property's 5 requests a second, bursts and retries
included (Cloudbeds suspends the key otherwise), and Cloudbeds' own ways of saying no."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.cloudbeds.client import CloudbedsClient
from tests.cloudbeds.conftest import KEY, PROPERTY, form, ok, settings
from tests.support.fake_clock import FakeClock


def _most_in_any_second(starts: list[float]) -> int:
    return max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)


async def test_a_burst_of_100_reads_with_failures_never_puts_6_requests_in_a_second(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    starts: list[float] = []
    answered: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        starts.append(clock.monotonic())
        guest = request.url.params["reservationID"]
        if int(guest) % 7 == 0 and guest not in answered:  # every 7th fails once, then works
            answered.add(guest)
            return httpx.Response(503)
        return ok({"reservationID": guest, "status": "checked_in"})

    cloudbeds.get("/getReservation").mock(side_effect=answer)
    client = CloudbedsClient(settings(), clock=clock)
    answers = await asyncio.gather(*(client.get("getReservation", {"reservationID": str(n)})
                                     for n in range(1, 101)))

    assert len(answers) == 100
    assert len(starts) == 114  # 100 + one retry for each of the 14 that failed once
    assert _most_in_any_second(starts) == 4  # one under Cloudbeds' 5: the doctor's headroom
    await client.close()


async def test_every_request_carries_the_key_and_the_property_and_the_key_is_never_shown(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.get("/getHotelDetails").mock(return_value=ok({"propertyName": "HV"}))
    client = CloudbedsClient(settings(), clock=clock)
    await client.get("getHotelDetails")
    request = route.calls.last.request
    assert request.headers["x-api-key"] == KEY
    assert request.url.params["propertyID"] == PROPERTY
    assert KEY not in repr(client)
    await client.close()


async def test_a_429_waits_as_long_as_cloudbeds_asks_then_tries_again(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(429),
        ok({"propertyName": "HV"})])
    client = CloudbedsClient(settings(), clock=clock)
    answer = await client.get("getHotelDetails")
    assert answer["data"] == {"propertyName": "HV"}
    assert 3.0 in clock.sleeps and 1.0 in clock.sleeps  # Retry-After, else a second
    await client.close()


async def test_a_post_that_met_a_server_error_is_not_repeated_by_the_client(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.post("/postHousekeepingStatus").mock(return_value=httpx.Response(502))
    client = CloudbedsClient(settings(), clock=clock)
    with pytest.raises(PmsUnavailable, match="HTTP 502"):
        await client.post("postHousekeepingStatus", {"roomID": "r-101", "roomCondition": "clean"})
    assert route.call_count == 1  # the outbox sends it again later, not the client now
    assert form(route.calls.last.request) == {
        "propertyID": PROPERTY, "roomID": "r-101", "roomCondition": "clean"}
    await client.close()


async def test_reads_that_keep_failing_say_cloudbeds_is_unavailable(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    route = cloudbeds.get("/getReservation").mock(side_effect=httpx.ConnectTimeout("slow"))
    client = CloudbedsClient(settings(), clock=clock)
    with pytest.raises(PmsUnavailable, match="could not connect"):
        await client.get("getReservation", {"reservationID": "1"})
    assert route.call_count == 4
    await client.close()


async def test_success_false_with_http_200_is_a_refusal_with_cloudbeds_words(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getReservation").mock(return_value=httpx.Response(
        200, json={"success": False, "message": "Reservation not found"}))
    client = CloudbedsClient(settings(), clock=clock)
    with pytest.raises(PmsRefused, match="Reservation not found"):
        await client.get("getReservation", {"reservationID": "404"})
    await client.close()


async def test_a_refused_key_is_unavailable_until_a_person_fixes_it(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getHotelDetails").mock(return_value=httpx.Response(401))
    client = CloudbedsClient(settings(), clock=clock)
    with pytest.raises(PmsUnavailable, match="CONNECTOR_CLOUDBEDS__API_KEY") as raised:
        await client.get("getHotelDetails")
    assert KEY not in str(raised.value)
    await client.close()


async def test_paging_reads_one_page_at_a_time_until_a_short_one(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["pageNumber"])
        size = 100 if number < 3 else 30
        return ok([{"guestID": f"{number}-{n}"} for n in range(size)], count=size, total=230)

    route = cloudbeds.get("/getGuestsByStatus").mock(side_effect=page)
    client = CloudbedsClient(settings(), clock=clock)
    rows = await client.pages("getGuestsByStatus", {"status": "in_house"})
    assert len(rows) == 230
    assert [c.request.url.params["pageNumber"] for c in route.calls] == ["1", "2", "3"]
    assert {c.request.url.params["pageSize"] for c in route.calls} == {"100"}
    await client.close()


async def test_cloudbeds_answering_again_after_an_outage_is_said_once(
        clock: FakeClock, cloudbeds: respx.MockRouter) -> None:
    """Its webhooks of that time may be lost: the door is told, and resyncs."""
    cloudbeds.get("/getHotelDetails").mock(side_effect=[
        httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(503),
        httpx.Response(503), ok({"propertyID": PROPERTY}), ok({"propertyID": PROPERTY})])
    client = CloudbedsClient(settings(), clock=clock)
    told: list[str] = []
    client.on_back = told.append
    with pytest.raises(PmsUnavailable):
        await client.get("getHotelDetails")
    assert told == []
    await client.get("getHotelDetails")
    await client.get("getHotelDetails")
    assert len(told) == 1 and "could not be reached or failed from" in told[0]
    await client.close()
