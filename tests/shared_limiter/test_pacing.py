"""Several connectors of one group pace through one Redis: never more than Zoom's limit in any
one-second window, whatever their own clocks say."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from connector.clock import SystemClock
from tests.shared_limiter.hotels import Hotel, busiest_window
from tests.shared_limiter.redis_server import RedisServer

SPEEDUP = 5  # Phone Light on Business: 40/s, here 200/s for a short run


async def _rush(hotels: list[Hotel], calls_each: int, callers_each: int) -> list[float]:
    stamps: list[float] = []

    async def caller(hotel: Hotel, calls: int) -> None:
        limiter = hotel.light()
        for _ in range(calls):
            await limiter.acquire()
            stamps.append(time.monotonic())

    await asyncio.gather(*(caller(h, calls_each // callers_each)
                           for h in hotels for _ in range(callers_each)))
    return stamps


async def test_four_connectors_never_send_more_than_the_accounts_limit_in_any_second(
        redis_server: RedisServer) -> None:
    hotels = [Hotel(f"hotel-{i}", redis_server.url, 4, speedup=SPEEDUP) for i in range(4)]
    try:
        began = time.monotonic()
        stamps = await _rush(hotels, calls_each=120, callers_each=4)
        took = time.monotonic() - began
    finally:
        for hotel in hotels:
            await hotel.close()
    limit = 40 * SPEEDUP
    assert len(stamps) == 480
    assert busiest_window(stamps) <= limit
    # Shared, not split: 480 calls at 0.95 x 200/s take about 2.5 s (four fixed quarters would
    # too, but only because every hotel is busy; see the fairness tests for the idle case).
    assert took < 480 / (limit * 0.95) + 0.6
    assert all(h.shared for h in hotels)


class SkewedClock(SystemClock):
    """A machine whose clocks are off by `skew` seconds."""

    def __init__(self, skew: float) -> None:
        self.skew = skew

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=self.skew)

    def monotonic(self) -> float:
        return super().monotonic() + self.skew


async def test_clocks_skewed_by_200_ms_change_nothing_the_servers_clock_decides(
        redis_server: RedisServer) -> None:
    hotels = [Hotel("ahead", redis_server.url, 2, speedup=SPEEDUP, clock=SkewedClock(0.2)),
              Hotel("behind", redis_server.url, 2, speedup=SPEEDUP, clock=SkewedClock(-0.2))]
    try:
        stamps = await _rush(hotels, calls_each=200, callers_each=4)
    finally:
        for hotel in hotels:
            await hotel.close()
    assert busiest_window(stamps) <= 40 * SPEEDUP
    assert busiest_window(stamps) >= 40 * SPEEDUP * 0.85  # and the account is used, not idle
