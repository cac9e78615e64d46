"""Redis fails under a check-out rush: the connectors fall back at once to their 1/N share (never
open), no one-second window goes over Zoom's limit, and shared mode comes back by itself."""

from __future__ import annotations

import asyncio
import time

from tests.shared_limiter.hotels import Hotel, busiest_window
from tests.shared_limiter.redis_server import RedisServer

SPEEDUP = 3  # Phone Light on Business: 40/s, here 120/s
LIMIT = 40 * SPEEDUP


class Rush:
    """Two hotels calling as fast as their limiters let them, each from four tasks."""

    def __init__(self, url: str) -> None:
        self.hotels = [Hotel(name, url, 2, speedup=SPEEDUP) for name in ("lisbon", "porto")]
        self.stamps: list[tuple[float, str, bool]] = []
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.ensure_future(self._caller(h)) for h in self.hotels
                       for _ in range(4)]

    async def _caller(self, hotel: Hotel) -> None:
        while not self._stop.is_set():
            await hotel.light().acquire()
            self.stamps.append((time.monotonic(), hotel.name, hotel.shared))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        for hotel in self.hotels:
            await hotel.close()

    async def until(self, condition: str, check: object, limit: float) -> float:
        began = time.monotonic()
        while not check():  # type: ignore[operator]
            assert time.monotonic() - began < limit, f"not {condition} after {limit} s"
            await asyncio.sleep(0.01)
        return time.monotonic() - began


async def test_redis_killed_mid_rush_and_restarted_empty(redis_server: RedisServer) -> None:
    rush = Rush(redis_server.url)
    rush.start()
    try:
        await asyncio.sleep(1.0)
        redis_server.kill()
        # At once: the next call of each hotel finds Redis gone.
        await rush.until("local", lambda: not any(h.shared for h in rush.hotels), 0.2)
        await asyncio.sleep(2.0)
        redis_server.start()  # empty: no scripts, no slots, no one live
        await rush.until("shared", lambda: all(h.shared for h in rush.hotels), 8.0)
        back = time.monotonic()
        await asyncio.sleep(1.0)
    finally:
        await rush.stop()
    stamps = [t for t, _, _ in rush.stamps]
    assert busiest_window(stamps) <= LIMIT
    for hotel in rush.hotels:
        assert hotel.metric("connector_zoom_shared_limiter_fallbacks_total") == 1
        assert hotel.metric("connector_zoom_shared_limiter_mode") == 1
        # Each hotel kept working on its own share while Redis was away, and shared again.
        assert any(not shared for _, name, shared in rush.stamps if name == hotel.name)
        assert any(t > back for t, name, _ in rush.stamps if name == hotel.name)
    # Shared again, the account's whole rate serves the two of them.
    assert sum(1 for t in stamps if t > back) >= 0.8 * LIMIT * 0.95


async def test_a_slow_redis_is_left_within_the_timeout_and_rejoined(
        redis_server: RedisServer) -> None:
    rush = Rush(redis_server.url)
    rush.start()
    try:
        await asyncio.sleep(0.5)
        # Redis stops answering for two seconds (a stall, a failover, a saturated node).
        assert redis_server.command("CLIENT", "PAUSE", "2000", "ALL") == ["+OK"]
        took = await rush.until("local", lambda: not any(h.shared for h in rush.hotels), 1.0)
        assert took < 0.05 + 0.05  # the 50 ms timeout, and a little for the event loop
        await rush.until("shared", lambda: all(h.shared for h in rush.hotels), 8.0)
        await asyncio.sleep(0.5)
    finally:
        await rush.stop()
    assert busiest_window([t for t, _, _ in rush.stamps]) <= LIMIT
    for hotel in rush.hotels:
        assert hotel.metric("connector_zoom_shared_limiter_fallbacks_total") == 1


async def test_one_hotel_cut_off_from_redis_keeps_the_sum_under_the_limit(
        redis_server: RedisServer) -> None:
    rush = Rush(redis_server.url)
    lisbon, porto = rush.hotels
    rush.start()
    try:
        await asyncio.sleep(0.5)
        # Only Lisbon loses Redis (its network, not the server): Porto stays shared.
        lisbon.limiters.link.fall_back(ConnectionError("cut off"))
        await asyncio.sleep(3.0)
        assert porto.shared
    finally:
        await rush.stop()
    assert busiest_window([t for t, _, _ in rush.stamps]) <= LIMIT
    # Porto, shared, took the account's rate less Lisbon's local 1/N.
    late = [t for t, name, _ in rush.stamps if name == "porto" and t > rush.stamps[-1][0] - 1]
    assert len(late) <= LIMIT * 0.95 / 2 + 2
