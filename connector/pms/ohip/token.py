"""OHIP's OAuth token: asked for once, reused for its hour, refreshed a minute before it ends.

Every token request is billed by Oracle as a call and counts against the environment's
limit, so concurrent callers share one request (a lock) and a 401 refreshes only the token
that was refused, not one a neighbour has just fetched.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from connector.clock import Clock
from connector.pms.cloud.contract import PmsRefused, PmsUnavailable
from connector.pms.cloud.limiter import SlidingWindowLimiter
from connector.settings.cloud_pms import OhipSettings

TOKEN_PATH = "/oauth/v1/tokens"  # noqa: S105 (a path, not a secret)
REFRESH_BEFORE = 60.0  # seconds before expiry the token is renewed
DEFAULT_LIFETIME = 3600.0  # OHIP tokens live an hour when expires_in is missing


@dataclass(frozen=True, slots=True)
class _Held:
    value: str
    renew_at: float  # on the clock's monotonic scale


class OhipToken:
    """The bearer token of one OHIP client (client id/secret and app key)."""

    def __init__(self, http: httpx.AsyncClient, settings: OhipSettings,
                 limiter: SlidingWindowLimiter, *, clock: Clock) -> None:
        self._http = http
        self._settings = settings
        self._limiter = limiter
        self._clock = clock
        self._held: _Held | None = None
        self._lock = asyncio.Lock()
        self.requests = 0  # token requests made, for the doctor and the bench

    def __repr__(self) -> str:  # never the secret, the app key or the token
        return f"OhipToken(client_id={self._settings.client_id!r})"

    async def get(self) -> str:
        """A token valid for at least another minute."""
        held = self._held
        if held is not None and self._clock.monotonic() < held.renew_at:
            return held.value
        async with self._lock:
            held = self._held
            if held is not None and self._clock.monotonic() < held.renew_at:
                return held.value
            self._held = await self._fetch()
            return self._held.value

    def refused(self, value: str) -> None:
        """OHIP answered 401 to a call made with `value`: forget it (only if still held)."""
        if self._held is not None and self._held.value == value:
            self._held = None

    async def _fetch(self) -> _Held:
        s = self._settings
        secret = s.client_secret.get_secret_value() if s.client_secret else ""
        app_key = s.app_key.get_secret_value() if s.app_key else ""
        form = {"grant_type": "client_credentials"}
        if s.oauth_scope:
            form["scope"] = s.oauth_scope
        await self._limiter.acquire()
        self.requests += 1
        try:
            answer = await self._http.post(
                s.gateway_url + TOKEN_PATH, data=form, auth=httpx.BasicAuth(s.client_id, secret),
                headers={"x-app-key": app_key, "accept": "application/json"})
        except httpx.HTTPError as error:
            raise PmsUnavailable(f"the OHIP token could not be fetched: {type(error).__name__}"
                                 ) from None
        if answer.status_code in (400, 401, 403):
            raise PmsRefused(
                f"OHIP refused the token request ({answer.status_code}): check "
                "CONNECTOR_OHIP__CLIENT_ID, CLIENT_SECRET and APP_KEY with Oracle")
        if answer.status_code != 200:
            raise PmsUnavailable(f"OHIP answered {answer.status_code} to the token request")
        try:
            body = answer.json()
            value = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise PmsUnavailable("OHIP's token answer had no access_token") from None
        lifetime = body.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else DEFAULT_LIFETIME
        return _Held(value, self._clock.monotonic() + max(0.0, seconds - REFRESH_BEFORE))
