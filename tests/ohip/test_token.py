"""OHIP's token: one per hour, shared, refreshed before it ends, and once after a 401."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
import respx

from connector.pms.cloud.contract import PmsRefused
from connector.pms.ohip.client import OhipClient
from tests.ohip.conftest import SECRET, ohip_settings
from tests.ohip.factories import APP_KEY, GATEWAY
from tests.support.fake_clock import FakeClock

ROOMS = "/fof/v1/hotels/HOTEL1/rooms"


def _tokens(*values: str, expires_in: int = 3600) -> list[httpx.Response]:
    return [httpx.Response(200, json={"access_token": v, "expires_in": expires_in})
            for v in values]


async def test_a_hundred_calls_share_one_token(client: OhipClient,
                                               gateway: respx.MockRouter) -> None:
    gateway.get(ROOMS).mock(return_value=httpx.Response(200, json={}))
    await asyncio.gather(*(client.get_json(ROOMS) for _ in range(100)))
    assert gateway.routes["token"].call_count == 1
    assert client.token_requests == 1


async def test_the_token_request_is_oracles_client_credentials_form(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    await client.token()
    request = gateway.routes["token"].calls.last.request
    basic = base64.b64encode(f"Hotel_Client:{SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {basic}"
    assert request.headers["x-app-key"] == APP_KEY
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"grant_type=client_credentials"


async def test_the_assigned_scope_goes_with_the_token_request(
        clock: FakeClock, gateway: respx.MockRouter) -> None:
    client = OhipClient(ohip_settings(oauth_scope="urn:opc:hgbu:ws:__myscopes__"), clock=clock)
    await client.token()
    assert b"scope=urn%3Aopc%3Ahgbu%3Aws%3A__myscopes__" in (
        gateway.routes["token"].calls.last.request.content)
    await client.close()


async def test_the_token_is_renewed_a_minute_before_its_hour_ends(
        client: OhipClient, gateway: respx.MockRouter, clock: FakeClock) -> None:
    gateway.routes["token"].side_effect = _tokens("tok-1", "tok-2")
    assert await client.token() == "tok-1"
    clock.advance(3600 - 61)
    assert await client.token() == "tok-1"
    clock.advance(2)
    assert await client.token() == "tok-2"


async def test_a_401_fetches_a_new_token_once_and_repeats_the_call(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    gateway.routes["token"].side_effect = _tokens("old", "new")
    rooms = gateway.get(ROOMS).mock(side_effect=[
        httpx.Response(401), httpx.Response(200, json={"rooms": "ok"})])
    assert await client.get_json(ROOMS) == {"rooms": "ok"}
    assert [c.request.headers["authorization"] for c in rooms.calls] == [
        "Bearer old", "Bearer new"]
    assert gateway.routes["token"].call_count == 2


async def test_a_second_401_with_a_fresh_token_is_refused_not_looped(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    gateway.routes["token"].side_effect = _tokens("old", "new", "newer")
    gateway.get(ROOMS).mock(return_value=httpx.Response(401))
    with pytest.raises(PmsRefused, match="401"):
        await client.get_json(ROOMS)
    assert gateway.routes["token"].call_count == 2


async def test_many_calls_refused_at_once_refresh_the_token_once(
        client: OhipClient, gateway: respx.MockRouter) -> None:
    gateway.routes["token"].side_effect = _tokens("old", "new", "newer")
    await client.token()

    def answer(request: httpx.Request) -> httpx.Response:
        good = request.headers["authorization"] == "Bearer new"
        return httpx.Response(200, json={}) if good else httpx.Response(401)

    gateway.get(ROOMS).mock(side_effect=answer)
    await asyncio.gather(*(client.get_json(ROOMS) for _ in range(10)))
    assert gateway.routes["token"].call_count == 2


async def test_wrong_credentials_say_what_to_check(client: OhipClient,
                                                   gateway: respx.MockRouter) -> None:
    gateway.routes["token"].mock(return_value=httpx.Response(401))
    with pytest.raises(PmsRefused, match="CLIENT_ID, CLIENT_SECRET and APP_KEY"):
        await client.token()


async def test_secrets_stay_out_of_reprs(client: OhipClient) -> None:
    await client.token()
    shown = repr(client) + repr(client._token) + repr(client.settings)
    assert SECRET not in shown and APP_KEY not in shown and "tok-1" not in shown
    assert GATEWAY in shown
