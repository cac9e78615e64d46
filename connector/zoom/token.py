"""Server-to-Server OAuth tokens: fetched with authlib, cached, renewed once at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from connector.clock import Clock
from connector.zoom.errors import ZoomAuthError, ZoomUnavailable
from connector.zoom.tls import zoom_tls
from connector.zoom.token_client import AsyncTokenClient, TokenRefused

# Renew this long before Zoom's `expires_in` runs out (Zoom's own SDK uses 60 s).
RENEW_BEFORE_SECONDS = 60.0


@dataclass(frozen=True)
class ZoomToken:
    """An access token and what Zoom said with it."""

    access_token: str = field(repr=False)
    expires_at: float  # on the clock's monotonic scale
    # None when Zoom sent no `scope` field: nothing can be switched off on its account.
    scopes: frozenset[str] | None
    api_url: str | None

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - RENEW_BEFORE_SECONDS


class TokenSource:
    """Hands out a valid token; only one renewal is ever in flight."""

    def __init__(
        self,
        *,
        oauth_url: str,
        account_id: str,
        client_id: str,
        client_secret: str,
        clock: Clock,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        on_renewal: Callable[[], None] | None = None,
    ) -> None:
        self._url = f"{oauth_url.rstrip('/')}/oauth/token"
        self._account_id = account_id
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._timeout = timeout
        self._transport = transport
        self._on_renewal = on_renewal
        self._token: ZoomToken | None = None
        self._lock = asyncio.Lock()

    @property
    def cached(self) -> ZoomToken | None:
        return self._token

    async def current(self) -> ZoomToken:
        """The cached token if still fresh, otherwise a new one."""
        token = self._token
        if token is not None and token.fresh(self._clock.monotonic()):
            return token
        return await self.renew(stale=token)

    async def renew(self, stale: ZoomToken | None) -> ZoomToken:
        """Replace `stale` (Zoom refused it, or it is expiring); callers queued behind a
        renewal in flight get its result instead of starting another."""
        async with self._lock:
            token = self._token
            if token is not None and token is not stale and token.fresh(self._clock.monotonic()):
                return token
            self._token = await self._fetch()
            if self._on_renewal is not None:
                self._on_renewal()
            return self._token

    def forget(self) -> None:
        self._token = None

    async def _fetch(self) -> ZoomToken:
        reason: dict[str, str] = {}

        def keep_reason(response: httpx.Response) -> httpx.Response:
            # Zoom explains refusals in a `reason` field that authlib does not keep.
            if response.status_code >= 400:
                try:
                    body = response.json()
                    reason["text"] = str(body.get("reason") or body.get("error") or "")
                except ValueError:
                    reason["text"] = response.text[:200]
                reason["status"] = str(response.status_code)
            return response

        started = self._clock.monotonic()
        kwargs: dict[str, Any] = {"timeout": self._timeout, "verify": zoom_tls()}
        if self._transport is not None:
            kwargs["transport"] = self._transport
        async with httpx.AsyncClient(**kwargs) as session:
            client = AsyncTokenClient(
                session,
                self._client_id,
                self._client_secret,
                token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
            )
            client.register_compliance_hook("access_token_response", keep_reason)
            try:
                raw = await client.fetch_token(
                    self._url, grant_type="account_credentials", account_id=self._account_id
                )
            except TokenRefused as error:
                text = reason.get("text") or error.description or error.error or "refused"
                raise _refusal(int(reason.get("status", "400")), text) from None
            except httpx.HTTPStatusError as error:
                # authlib raises this, not TokenRefused, for a 5xx or a body that is not JSON.
                text = reason.get("text") or error.response.reason_phrase
                raise _refusal(error.response.status_code, text) from None
            except (httpx.TransportError, ValueError) as error:
                status_text = reason.get("status")
                what = f"HTTP {status_text}" if status_text else type(error).__name__
                raise ZoomUnavailable(
                    f"Could not reach Zoom's token endpoint {self._url}: {what}",
                    intent="obtain an access token",
                ) from None
        return _token_from(dict(raw), started)


def _refusal(status: int, text: str) -> ZoomAuthError | ZoomUnavailable:
    """A 5xx is Zoom's trouble (try again); anything else is about our credentials."""
    if status >= 500:
        return ZoomUnavailable(
            f"Zoom's token endpoint failed (HTTP {status}: {text})",
            intent="obtain an access token",
            status=status,
        )
    return ZoomAuthError(status, text)


def _token_from(raw: dict[str, Any], started: float) -> ZoomToken:
    access = raw.get("access_token")
    expires_in = raw.get("expires_in")
    if not isinstance(access, str) or not isinstance(expires_in, int | float):
        raise ZoomAuthError(200, "token response without access_token or expires_in")
    scope = raw.get("scope")
    api_url = raw.get("api_url")
    return ZoomToken(
        access_token=access,
        expires_at=started + float(expires_in),
        scopes=frozenset(str(scope).split()) if scope is not None else None,
        api_url=str(api_url).rstrip("/") if api_url else None,
    )
