"""Metrics for the hotel's monitoring: requests, 429s, retries and time spent waiting."""

from __future__ import annotations

import httpx
import pytest
import respx
from prometheus_client import CollectorRegistry

from connector.zoom.api import ZoomApi
from connector.zoom.errors import ZoomNotFound
from tests.support.zoom_factories import api, zoom_error

USER = {"id": "u1204", "display_name": "Room 1204"}


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_each_request_is_counted_by_endpoint_and_status(
    router: respx.MockRouter, zoom_api: ZoomApi, registry: CollectorRegistry
) -> None:
    router.get(api("/users/u1204")).respond(json=USER)
    router.get(api("/users/gone")).mock(return_value=zoom_error(404, 1001, "User does not exist"))

    await zoom_api.get_user("u1204")
    await zoom_api.get_user("u1204")
    with pytest.raises(ZoomNotFound):
        await zoom_api.get_user("gone")

    requests = "connector_zoom_requests_total"
    assert _value(registry, requests, endpoint="get_user", status="200") == 2
    assert _value(registry, requests, endpoint="get_user", status="404") == 1
    assert _value(registry, "connector_zoom_token_renewals_total") == 1


async def test_a_429_is_counted_with_its_retry_and_the_wait_it_caused(
    router: respx.MockRouter, zoom_api: ZoomApi, registry: CollectorRegistry
) -> None:
    router.get(api("/users/u1204")).mock(
        side_effect=[
            zoom_error(429, 429, "per-second rate limit", **{"Retry-After": "2"}),
            httpx.Response(200, json=USER),
        ]
    )

    await zoom_api.get_user("u1204")

    light_users = {"family": "users", "category": "light"}
    assert _value(registry, "connector_zoom_rate_limited_total", **light_users) == 1
    assert _value(registry, "connector_zoom_retries_total", endpoint="get_user", reason="429") == 1
    wait = "connector_zoom_limiter_wait_seconds"
    assert _value(registry, f"{wait}_count", **light_users) == 2
    assert _value(registry, f"{wait}_sum", **light_users) >= 2.0


async def test_retries_are_counted_by_reason_and_unanswered_requests_as_errors(
    router: respx.MockRouter, zoom_api: ZoomApi, registry: CollectorRegistry
) -> None:
    router.get(api("/users/u1204")).mock(
        side_effect=[
            httpx.Response(503),
            httpx.ReadTimeout("read timed out"),
            httpx.Response(200, json=USER),
        ]
    )

    await zoom_api.get_user("u1204")

    retries = "connector_zoom_retries_total"
    assert _value(registry, retries, endpoint="get_user", reason="503") == 1
    assert _value(registry, retries, endpoint="get_user", reason="ReadTimeout") == 1
    requests = "connector_zoom_requests_total"
    assert _value(registry, requests, endpoint="get_user", status="503") == 1
    assert _value(registry, requests, endpoint="get_user", status="error") == 1
    assert _value(registry, requests, endpoint="get_user", status="200") == 1
