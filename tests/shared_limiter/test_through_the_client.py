"""What Zoom answers one hotel's client reaches the other hotels' clients: its 429 pauses them,
and its `X-RateLimit-Remaining` holds their Heavy calls when the day is spent."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from connector.clock import SystemClock
from connector.zoom.api import ZoomApi
from tests.shared_limiter.hotels import Hotel
from tests.shared_limiter.redis_server import RedisServer
from tests.support.zoom_factories import api, issue_tokens, new_router, zoom_client, zoom_error

PER_SECOND = "You have reached the maximum per-second rate limit for this API. Try again later."


def _clients(url: str) -> tuple[ZoomApi, ZoomApi]:
    router = new_router()
    issue_tokens(router)
    answers = iter([
        zoom_error(429, 429, PER_SECOND, **{"Retry-After": "1"}),
    ])

    def phone_users(_request: httpx.Request) -> httpx.Response:
        return next(answers, httpx.Response(200, json={"users": []}))

    router.get(api("/phone/users")).mock(side_effect=phone_users)
    router.get(api("/phone/voice_mails")).mock(return_value=httpx.Response(
        200, json={"voice_mails": []},
        headers={"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": "30000",
                 "X-RateLimit-Remaining": "0"}))
    clients = []
    for name in ("lisbon", "porto"):
        hotel = Hotel(name, url, 2)
        clients.append(ZoomApi(zoom_client(router, SystemClock(), limiters=hotel.limiters)))
    return clients[0], clients[1]


async def test_one_hotels_429_pauses_the_other_hotels_calls(redis_server: RedisServer) -> None:
    lisbon, porto = _clients(redis_server.url)
    try:
        began = time.monotonic()
        # Lisbon meets the 429 (Retry-After: 1), waits, and succeeds; Porto, starting a moment
        # later, is held by the same pause although Zoom never refused it.
        first = asyncio.ensure_future(lisbon.list_phone_users())
        await asyncio.sleep(0.1)
        await porto.list_phone_users()
        assert time.monotonic() - began >= 0.95
        await first
    finally:
        await lisbon.client.close()
        await porto.client.close()


async def test_zoom_saying_the_day_is_spent_holds_every_hotels_heavy_calls(
        redis_server: RedisServer) -> None:
    lisbon, porto = _clients(redis_server.url)
    try:
        await lisbon.list_account_voicemails()  # Zoom: 0 of 30000 remain today
        await asyncio.sleep(0.05)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(porto.list_account_voicemails(), 0.5)
    finally:
        await lisbon.client.close()
        await porto.client.close()
