"""Failures: what is worth retrying is retried a few times; what is not is reported at once,
with Zoom's code and what the connector was trying to do."""

from __future__ import annotations

import httpx
import pytest
import respx

from connector.zoom.api import ZoomApi
from connector.zoom.errors import ZoomApiError, ZoomNotFound, ZoomUnavailable
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import api, scheduling_settings, zoom_client, zoom_error

USER = {"id": "u1204", "display_name": "Room 1204"}
INTENT = "rename room 1204's user"

TRANSIENT = [
    pytest.param(zoom_error(500, 500, "Internal error"), "HTTP 500", id="500"),
    pytest.param(httpx.Response(503, text="upstream connect error"), "HTTP 503", id="503"),
    pytest.param(httpx.ReadTimeout("read timed out"), "ReadTimeout", id="timeout"),
    pytest.param(httpx.ConnectError("connection refused"), "ConnectError", id="connection"),
]


@pytest.mark.parametrize("failure", [pytest.param(p.values[0], id=p.id) for p in TRANSIENT])
async def test_a_passing_failure_is_retried_and_the_call_succeeds(
    router: respx.MockRouter, zoom_api: ZoomApi, failure: httpx.Response | Exception
) -> None:
    users = router.patch(api("/users/u1204")).mock(
        side_effect=[failure, failure, httpx.Response(204)]
    )

    await zoom_api.update_user("u1204", display_name="1204 Smith", intent=INTENT)

    assert users.call_count == 3


@pytest.mark.parametrize(("failure", "detail"), TRANSIENT)
async def test_a_lasting_failure_is_retried_as_configured_then_reported_with_its_intent(
    router: respx.MockRouter, clock: FakeClock, failure: httpx.Response | Exception, detail: str
) -> None:
    users = router.patch(api("/users/u1204")).mock(side_effect=[failure] * 10)

    async with zoom_client(router, clock, scheduling=scheduling_settings(retries=2)) as zoom:
        with pytest.raises(ZoomUnavailable) as caught:
            await ZoomApi(zoom).update_user("u1204", display_name="1204 Smith", intent=INTENT)

    assert users.call_count == 3  # the first try and two retries
    assert caught.value.intent == INTENT
    message = str(caught.value)
    assert message.startswith(f"Could not {INTENT}")
    assert detail in message


async def test_retries_back_off_on_the_clock_up_to_the_retry_interval(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    router.get(api("/users/u1204")).mock(side_effect=[httpx.ConnectError("refused")] * 10)
    scheduling = scheduling_settings(retries=5, retry_interval_seconds=4)

    async with zoom_client(router, clock, scheduling=scheduling) as zoom:
        with pytest.raises(ZoomUnavailable):
            await ZoomApi(zoom).get_user("u1204")

    backoffs = [s for s in clock.sleeps if s > 0]
    assert len(backoffs) == 5
    assert all(0 < s <= 4 for s in backoffs)
    assert backoffs[0] < backoffs[-1]


async def test_with_no_retries_configured_a_failure_is_reported_after_one_try(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    users = router.get(api("/users/u1204")).respond(503)

    async with zoom_client(router, clock, scheduling=scheduling_settings(retries=0)) as zoom:
        with pytest.raises(ZoomUnavailable):
            await ZoomApi(zoom).get_user("u1204")

    assert users.call_count == 1


async def test_a_user_that_does_not_exist_is_reported_at_once_with_zoom_code(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    users = router.patch(api("/users/gone")).mock(
        return_value=zoom_error(404, 1001, "User does not exist: gone.")
    )

    with pytest.raises(ZoomNotFound) as caught:
        await zoom_api.update_user("gone", display_name="1204 Smith", intent=INTENT)

    assert users.call_count == 1
    error = caught.value
    assert (error.status, error.code, error.intent) == (404, 1001, INTENT)
    assert error.zoom_message == "User does not exist: gone."
    assert str(error) == (
        f"Could not {INTENT}: Zoom answered HTTP 404 (code 1001: User does not exist: gone.)"
    )


async def test_a_request_zoom_rejects_is_not_retried(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    not_enabled = "You do not enable the outbound calling policy setting."
    rules = router.patch(api("/phone/users/u1204/outbound_calling/countries_regions")).mock(
        return_value=zoom_error(400, 13504, not_enabled)
    )

    with pytest.raises(ZoomApiError) as caught:
        await zoom_api.set_user_country_rules("u1204", [])

    assert rules.call_count == 1
    assert not isinstance(caught.value, ZoomNotFound)
    assert caught.value.code == 13504
    assert "change outbound rules of user u1204" in str(caught.value)


async def test_an_error_without_zoom_json_still_says_what_failed(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    router.get(api("/users/u1204")).respond(403, text="Forbidden by proxy")

    with pytest.raises(ZoomApiError) as caught:
        await zoom_api.get_user("u1204")

    assert caught.value.code is None
    assert "HTTP 403 (Forbidden by proxy)" in str(caught.value)
