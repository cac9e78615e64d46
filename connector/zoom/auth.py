"""Bearer authentication for Zoom as an `httpx.Auth` flow: one renewal and one retry on 401."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from connector.zoom.token import TokenSource


class ZoomAuth(httpx.Auth):
    """Adds the cached token; if Zoom answers 401 (revoked, expired early), renews once and
    sends the request once more."""

    def __init__(self, tokens: TokenSource) -> None:
        self._tokens = tokens

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ZoomAuth is asynchronous: use it with httpx.AsyncClient")
        yield request  # pragma: no cover - makes this a generator, as httpx expects

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._tokens.current()
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code == 401:
            token = await self._tokens.renew(stale=token)
            request.headers["Authorization"] = f"Bearer {token.access_token}"
            yield request
