"""Server-to-Server OAuth: one cached token, renewed in time, once, and on a 401."""

from __future__ import annotations

import asyncio
import base64
import itertools
import subprocess
import sys
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.errors import ZoomApiError, ZoomAuthError, ZoomUnavailable
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import (
    ACCOUNT_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    api,
    token_response,
    zoom_client,
    zoom_error,
    zoom_settings,
)

USER = {"id": "u1204", "first_name": "Room", "last_name": "1204", "display_name": "Room 1204"}


def _bearer(route: respx.Route, index: int = -1) -> str:
    return str(route.calls[index].request.headers["Authorization"])


async def test_the_token_is_asked_for_with_basic_auth_and_the_account_credentials_grant(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    await zoom.start()

    request = router["token"].calls.last.request
    assert request.method == "POST"
    assert str(request.url) == "https://zoom.us/oauth/token"
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    form = parse_qs(request.content.decode())
    assert form["grant_type"] == ["account_credentials"]
    assert form["account_id"] == [ACCOUNT_ID]
    assert CLIENT_SECRET not in request.content.decode()


async def test_one_token_serves_every_call_until_it_runs_out(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    users = router.get(api("/users/u1204")).respond(json=USER)

    for _ in range(3):
        await zoom_api.get_user("u1204")

    assert router["token"].call_count == 1
    assert [call.request.headers["Authorization"] for call in users.calls] == [
        "Bearer token-1"
    ] * 3


async def test_the_token_is_renewed_a_minute_before_zoom_lets_it_expire(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    users = router.get(api("/users/u1204")).respond(json=USER)
    await zoom_api.get_user("u1204")  # token-1, valid 3599 s

    clock.advance(3599 - 60 - 1)
    await zoom_api.get_user("u1204")
    assert _bearer(users) == "Bearer token-1"

    clock.advance(2)
    await zoom_api.get_user("u1204")
    assert _bearer(users) == "Bearer token-2"
    assert router["token"].call_count == 2


async def test_twenty_calls_needing_a_token_at_once_share_one_renewal(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    numbers = itertools.count(1)

    async def slow_token_endpoint(_request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.02)  # every caller queues up while this one is out
        return token_response(f"token-{next(numbers)}")

    router["token"].mock(side_effect=slow_token_endpoint)
    users = router.get(url__regex=r"/v2/users/u\d+$").respond(json=USER)

    await asyncio.gather(*(zoom_api.get_user(f"u{n}") for n in range(20)))
    assert router["token"].call_count == 1

    clock.advance(3600)  # the token has run out: twenty calls find it stale together
    await asyncio.gather(*(zoom_api.get_user(f"u{n}") for n in range(20)))
    assert router["token"].call_count == 2
    assert {call.request.headers["Authorization"] for call in users.calls[20:]} == {
        "Bearer token-2"
    }


async def test_a_token_zoom_refuses_is_renewed_once_and_the_call_sent_once_more(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    answers = iter([zoom_error(401, 124, "Invalid access token."), httpx.Response(200, json=USER)])
    seen: list[str] = []  # httpx sends the same request object again, so copy the header now

    def zoom_side(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return next(answers)

    users = router.get(api("/users/u1204")).mock(side_effect=zoom_side)

    user = await zoom_api.get_user("u1204")

    assert user.display_name == "Room 1204"
    assert users.call_count == 2
    assert seen == ["Bearer token-1", "Bearer token-2"]
    assert router["token"].call_count == 2


async def test_a_second_refusal_is_reported_instead_of_renewing_in_a_loop(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    users = router.get(api("/users/u1204")).mock(
        return_value=zoom_error(401, 124, "Invalid access token.")
    )

    with pytest.raises(ZoomApiError) as caught:
        await zoom_api.get_user("u1204", intent="rename room 1204's user")

    assert caught.value.status == 401
    assert caught.value.code == 124
    assert "rename room 1204's user" in str(caught.value)
    assert users.call_count == 2
    assert router["token"].call_count == 2


async def test_wrong_credentials_say_which_settings_to_check(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    router["token"].mock(
        return_value=httpx.Response(
            401, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        )
    )

    with pytest.raises(ZoomAuthError) as caught:
        await zoom.start()

    message = str(caught.value)
    assert caught.value.status == 401
    assert "Invalid client_id or client_secret" in message
    for variable in ("ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET"):
        assert f"CONNECTOR_ZOOM__{variable}" in message
    assert CLIENT_SECRET not in message


async def test_a_refusal_whose_description_rfc_6749_would_not_allow_is_still_an_auth_error(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    # Quotes and non-ASCII are outside RFC 6749's error_description set: still a refusal.
    description = 'Client "Hôtel du Lac" is disabled'
    router["token"].mock(return_value=httpx.Response(
        400, json={"error": "invalid_client", "error_description": description}))

    with pytest.raises(ZoomAuthError) as caught:
        await zoom.start()

    assert caught.value.status == 400
    assert "invalid_client" in str(caught.value)


async def test_a_refusal_that_is_not_json_is_still_an_auth_error(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    router["token"].mock(return_value=httpx.Response(403, text="<html>Forbidden</html>"))

    with pytest.raises(ZoomAuthError) as caught:
        await zoom.start()

    assert caught.value.status == 403


async def test_a_token_endpoint_outage_is_reported_as_zoom_unavailable(
    router: respx.MockRouter, zoom: ZoomClient
) -> None:
    router["token"].mock(return_value=httpx.Response(503, text="Service Unavailable"))

    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.start()

    assert caught.value.intent == "obtain an access token"
    assert caught.value.status == 503


async def test_calls_go_to_the_region_zoom_names_with_the_token(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    router["token"].mock(return_value=token_response(api_url="https://api-eu.zoom.us/"))
    eu = router.get("https://api-eu.zoom.us/v2/users/u1204").respond(json=USER)

    async with zoom_client(router, clock) as zoom:
        await ZoomApi(zoom).get_user("u1204")

    assert eu.call_count == 1


async def test_a_configured_api_base_wins_over_the_token_region(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    router["token"].mock(return_value=token_response(api_url="https://api-eu.zoom.us"))
    forced = router.get("https://api-ca.zoom.us/v2/users/u1204").respond(json=USER)

    settings = zoom_settings(api_base_url="https://api-ca.zoom.us/")
    async with zoom_client(router, clock, zoom=settings) as zoom:
        await ZoomApi(zoom).get_user("u1204")

    assert forced.call_count == 1


async def test_without_a_region_in_the_token_calls_go_to_the_global_api(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    router["token"].mock(return_value=token_response(api_url=None))
    users = router.get("https://api.zoom.us/v2/users/u1204").respond(json=USER)

    await zoom_api.get_user("u1204")

    assert users.call_count == 1


@pytest.mark.parametrize("api_base_url", [None, "https://api.zoom.us"])
async def test_a_token_endpoint_hiccup_is_retried_like_any_other_outage(
    router: respx.MockRouter, clock: FakeClock, api_base_url: str | None
) -> None:
    router["token"].mock(
        side_effect=[httpx.Response(503, text="Service Unavailable"), token_response("token-2")]
    )
    users = router.get(api("/users/u1204")).respond(json=USER)

    async with zoom_client(router, clock, zoom=zoom_settings(api_base_url=api_base_url)) as zoom:
        user = await ZoomApi(zoom).get_user("u1204")

    assert user.id == "u1204"
    assert router["token"].call_count == 2
    assert _bearer(users) == "Bearer token-2"


async def test_a_lasting_token_outage_fails_the_call_with_its_intent_after_the_retries(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    router["token"].mock(return_value=httpx.Response(503, text="Service Unavailable"))
    users = router.get(api("/users/u1204")).respond(json=USER)

    with pytest.raises(ZoomUnavailable) as caught:
        await zoom_api.get_user("u1204", intent="read room 1204's user")

    assert caught.value.intent == "read room 1204's user"
    assert "token endpoint failed (HTTP 503" in str(caught.value)
    assert router["token"].call_count == 4  # the first try and the default 3 retries
    assert users.call_count == 0


async def test_wrong_credentials_fail_a_call_at_once_without_retrying(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    router["token"].mock(
        return_value=httpx.Response(
            401, json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        )
    )

    with pytest.raises(ZoomAuthError):
        await zoom_api.get_user("u1204")

    assert router["token"].call_count == 1


def test_fetching_a_token_does_not_load_jose_or_openssl() -> None:
    # authlib's httpx integration would bring joserfc and cryptography: ~11 MB per hotel.
    code = ("import sys, connector.zoom.token; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'joserfc', 'cryptography'}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()

    assert loaded == "[]"
