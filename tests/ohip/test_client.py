"""The OHIP client: Oracle's headers on every call, never above the environment's limit,
retries where they are safe, and lists read page by page."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import respx

from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.ohip.client import AnswerLost, OhipClient
from tests.ohip.conftest import ohip_settings
from tests.ohip.factories import APP_KEY, HOTEL, in_house_page, in_house_row
from tests.support.fake_clock import FakeClock

ROOMS = "/fof/v1/hotels/HOTEL1/rooms"
STATUS = "/hsk/v1/hotels/HOTEL1/rooms/status"
CHARGES = "/csh/v1/hotels/HOTEL1/reservations/880001/charges"
IN_HOUSE = "/rsv/v1/hotels/HOTEL1/reservations"


async def test_every_call_carries_oracles_headers(client: OhipClient,
                                                  gateway: respx.MockRouter) -> None:
    route = gateway.route(path__startswith="/fof/").mock(return_value=httpx.Response(200))
    gateway.put(STATUS).mock(return_value=httpx.Response(200, json={}))
    await client.get_json(ROOMS)
    await client.get_json(ROOMS)
    await client.put_json(STATUS, {"roomList": [{"roomId": "101"}]})
    requests = [c.request for c in route.calls] + [gateway.calls.last.request]
    for request in requests:
        assert request.headers["authorization"] == "Bearer tok-1"
        assert request.headers["x-app-key"] == APP_KEY
        assert request.headers["x-hotelid"] == HOTEL
        assert request.headers["x-externalsystem"] == "ZOOMPHONE"
        uuid.UUID(request.headers["x-request-id"])
    assert len({r.headers["x-request-id"] for r in requests}) == 3


async def test_a_burst_of_200_calls_never_exceeds_the_limit_in_any_second(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    client = OhipClient(ohip_settings(requests_per_second=10), clock=clock)
    starts: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        starts.append(clock.monotonic())
        return httpx.Response(200, json={})

    gateway.get(ROOMS).mock(side_effect=answer)
    token_at: list[float] = []

    def token(request: httpx.Request) -> httpx.Response:
        token_at.append(clock.monotonic())
        return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})

    gateway.routes["token"].side_effect = token
    await asyncio.gather(*(client.get_json(ROOMS) for _ in range(200)))
    every = sorted(starts + token_at)  # the token request counts too
    assert len(starts) == 200
    assert max(sum(1 for t in every if s <= t < s + 1.0) for s in every) == 10
    await client.close()


async def test_a_get_is_retried_after_a_503_and_a_dropped_connection(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    gateway.get(ROOMS).mock(side_effect=[
        httpx.Response(503), httpx.ConnectError("reset"), httpx.Response(200, json={"ok": 1})])
    assert await client.get_json(ROOMS) == {"ok": 1}


async def test_a_429_waits_as_long_as_retry_after_says(
        client: OhipClient, gateway: respx.MockRouter, clock: FakeClock) -> None:
    gateway.get(ROOMS).mock(side_effect=[
        httpx.Response(429, headers={"retry-after": "7"}), httpx.Response(200, json={})])
    await client.get_json(ROOMS)
    assert 7 in clock.sleeps


async def test_a_gateway_down_for_good_is_unavailable_after_three_tries(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    route = gateway.get(ROOMS).mock(return_value=httpx.Response(502))
    with pytest.raises(PmsUnavailable, match="502"):
        await client.get_json(ROOMS)
    assert route.call_count == 3


async def test_a_charge_post_is_never_retried(client: OhipClient,
                                              gateway: respx.MockRouter) -> None:
    route = gateway.post(CHARGES).mock(return_value=httpx.Response(503))
    with pytest.raises(PmsUnavailable) as caught:
        await client.post_json(CHARGES, {"criteria": {}})
    assert not isinstance(caught.value, AnswerLost)
    assert route.call_count == 1


async def test_a_post_whose_answer_never_came_is_an_answer_lost(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    route = gateway.post(CHARGES).mock(side_effect=httpx.ReadTimeout("no answer"))
    with pytest.raises(AnswerLost):
        await client.post_json(CHARGES, {"criteria": {}})
    assert route.call_count == 1


async def test_a_post_that_could_not_connect_is_only_unavailable(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    gateway.post(CHARGES).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(PmsUnavailable) as caught:
        await client.post_json(CHARGES, {"criteria": {}})
    assert not isinstance(caught.value, AnswerLost)


async def test_a_4xx_is_refused_with_oracles_title_and_not_retried(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    route = gateway.get(ROOMS).mock(return_value=httpx.Response(
        403, json={"title": "Hotel not authorised", "detail": "Ada Lovelace"}))
    with pytest.raises(PmsRefused, match=r"403.*Hotel not authorised") as caught:
        await client.get_json(ROOMS)
    assert "Ada" not in str(caught.value)
    assert route.call_count == 1


async def test_a_list_is_read_page_by_page_while_oracle_says_has_more(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    rows = [in_house_row(str(880000 + n), str(100 + n)) for n in range(5)]
    route = gateway.get(IN_HOUSE).mock(side_effect=[
        httpx.Response(200, json=in_house_page(rows[:2], offset=0, total=5, has_more=True)),
        httpx.Response(200, json=in_house_page(rows[2:4], offset=2, total=5, has_more=True)),
        httpx.Response(200, json=in_house_page(rows[4:], offset=4, total=5, has_more=False))])
    found = await client.get_pages(IN_HOUSE, {"searchType": "InHouse"},
                                   container="reservations", items="reservationInfo", limit=2)
    assert found == rows
    assert [dict(c.request.url.params) for c in route.calls] == [
        {"searchType": "InHouse", "limit": "2", "offset": str(n)} for n in (0, 2, 4)]


async def test_a_list_without_has_more_is_one_page(client: OhipClient,
                                                   gateway: respx.MockRouter) -> None:
    route = gateway.get(IN_HOUSE).mock(return_value=httpx.Response(
        200, json={"reservations": {"reservationInfo": [in_house_row("1", "101")]}}))
    found = await client.get_pages(IN_HOUSE, {}, container="reservations",
                                   items="reservationInfo")
    assert len(found) == 1 and route.call_count == 1


async def test_a_long_retry_after_is_handed_up_not_waited_for(
        client: OhipClient, gateway: respx.MockRouter, clock: FakeClock) -> None:
    route = gateway.get(ROOMS).mock(return_value=httpx.Response(
        429, headers={"retry-after": "120"}))
    with pytest.raises(PmsUnavailable) as caught:
        await client.get_json(ROOMS)
    assert caught.value.retry_after == 120.0
    assert route.call_count == 1 and 120 not in clock.sleeps


@pytest.mark.parametrize("status", [502, 504])
async def test_a_gateway_error_after_a_post_may_mean_it_was_done(
        client: OhipClient, gateway: respx.MockRouter, status: int) -> None:
    gateway.post(CHARGES).mock(return_value=httpx.Response(status))
    with pytest.raises(AnswerLost):
        await client.post_json(CHARGES, {"criteria": {}})


async def test_retries_are_logged_without_secrets(
        client: OhipClient, gateway: respx.MockRouter, caplog: pytest.LogCaptureFixture) -> None:
    gateway.get(ROOMS).mock(side_effect=[httpx.Response(503), httpx.Response(200, json={})])
    with caplog.at_level("INFO", logger="connector.pms.ohip.client"):
        await client.get_json(ROOMS)
    assert "OHIP answered 503 to GET /fof/v1/hotels/HOTEL1/rooms" in caplog.text
    assert APP_KEY not in caplog.text and "tok-1" not in caplog.text
