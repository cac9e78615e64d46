"""Small factories for the Zoom client's tests: settings, token answers, a client on respx."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import respx
from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.settings import SchedulingSettings, ZoomSettings
from connector.zoom.catalogue import ENDPOINTS
from connector.zoom.client import ZoomClient
from connector.zoom.limiter import Limiters
from connector.zoom.metrics import ZoomMetrics

OAUTH_URL = "https://zoom.us"
TOKEN_URL = f"{OAUTH_URL}/oauth/token"
API_URL = "https://api.zoom.us"
ACCOUNT_ID = "HarbourView42"
CLIENT_ID = "ClientHv42"
CLIENT_SECRET = "s3cret-Never-Shown-42"

# Every scope the connector can use: the admin scope of each endpoint in the catalogue.
ALL_SCOPES: frozenset[str] = frozenset(e.admin_scope for e in ENDPOINTS)


def zoom_settings(**overrides: Any) -> ZoomSettings:
    """A hotel's Zoom settings; Business plan at the full share, so tests are not slowed by
    the pacing they are not about."""
    values: dict[str, Any] = {
        "account_id": ACCOUNT_ID,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "plan": "business",
        "rate_limit_share": 1.0,
    }
    values.update(overrides)
    return ZoomSettings.model_validate(values)


def scheduling_settings(**overrides: Any) -> SchedulingSettings:
    return SchedulingSettings.model_validate(overrides)


def token_body(
    access_token: str = "token-1",
    *,
    expires_in: int = 3599,
    scopes: frozenset[str] | None = ALL_SCOPES,
    api_url: str | None = API_URL,
) -> dict[str, Any]:
    """What Zoom's token endpoint answers for `grant_type=account_credentials`."""
    body: dict[str, Any] = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
    }
    if scopes is not None:
        body["scope"] = " ".join(sorted(scopes))
    if api_url is not None:
        body["api_url"] = api_url
    return body


def token_response(access_token: str = "token-1", **fields: Any) -> httpx.Response:
    return httpx.Response(200, json=token_body(access_token, **fields))


def issue_tokens(router: respx.MockRouter, **fields: Any) -> respx.Route:
    """Route the token endpoint to hand out `token-1`, `token-2`, ... one per call."""
    numbers = itertools.count(1)
    return router.post(TOKEN_URL, name="token").mock(
        side_effect=lambda _request: token_response(f"token-{next(numbers)}", **fields)
    )


def new_router() -> respx.MockRouter:
    """A router that fails loudly on any request no route expects."""
    return respx.MockRouter(assert_all_called=False, assert_all_mocked=True)


def zoom_client(
    router: respx.MockRouter,
    clock: Clock,
    *,
    zoom: ZoomSettings | None = None,
    scheduling: SchedulingSettings | None = None,
    registry: CollectorRegistry | None = None,
    limiters: Limiters | None = None,
) -> ZoomClient:
    """A client whose every request (token and API) goes to `router`."""
    return ZoomClient(
        zoom or zoom_settings(),
        scheduling or scheduling_settings(),
        clock=clock,
        transport=httpx.MockTransport(router.async_handler),
        metrics=ZoomMetrics(registry if registry is not None else CollectorRegistry()),
        limiters=limiters,
    )


def api(path: str) -> str:
    """The full URL of an API path on the default region."""
    return f"{API_URL}/v2{path}"


def zoom_error(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    """An error answer in Zoom's `{code, message}` shape."""
    return httpx.Response(status, json={"code": code, "message": message}, headers=headers)
