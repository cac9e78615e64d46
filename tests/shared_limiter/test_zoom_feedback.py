"""What Zoom says to one connector reaches all of them: a 429 pauses the account's category for
every hotel, and the day's Heavy count follows Zoom's `X-RateLimit-Remaining`."""

from __future__ import annotations

import asyncio
import time

import pytest

from connector.zoom.rate_tables import Limit
from connector.zoom.shared_limiter import daily_remaining
from tests.shared_limiter.hotels import Hotel
from tests.shared_limiter.redis_server import RedisServer


async def test_a_429_seen_by_one_hotel_pauses_the_other_hotels_calls(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 2)
    porto = Hotel("porto", redis_server.url, 2)
    try:
        await lisbon.medium().acquire()
        await porto.medium().acquire()
        # Zoom tells Lisbon to wait a second; Lisbon writes the pause to Redis at once.
        began = time.monotonic()
        lisbon.medium().on_rate_limited(1.0)
        await asyncio.sleep(0.05)
        await asyncio.gather(lisbon.medium().acquire(), porto.medium().acquire())
        assert time.monotonic() - began >= 0.95
    finally:
        await lisbon.close()
        await porto.close()


async def test_a_429_reaches_a_call_already_waiting_for_its_slot(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 2)
    porto = Hotel("porto", redis_server.url, 2)
    try:
        # Porto queues a few Medium calls (19/s): the last is due about 0.2 s from now.
        waiting = [asyncio.ensure_future(porto.medium().acquire()) for _ in range(5)]
        await asyncio.sleep(0.01)
        began = time.monotonic()
        lisbon.medium().on_rate_limited(1.0)
        await lisbon.medium().acquire()
        await asyncio.gather(*waiting)
        # The queued calls did not go during Zoom's pause: they went after it.
        assert time.monotonic() - began >= 0.9
    finally:
        await lisbon.close()
        await porto.close()


async def test_zoom_saying_little_of_the_day_remains_holds_every_hotels_heavy_calls(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 2)
    porto = Hotel("porto", redis_server.url, 2)
    try:
        await lisbon.heavy().acquire()
        # Another app on the account spent most of the day: Zoom says 2 calls remain.
        lisbon.heavy().on_limits_seen({"X-RateLimit-Category": "Heavy",
                                       "X-RateLimit-Limit": "30000",
                                       "X-RateLimit-Remaining": "2"})
        await lisbon.heavy().acquire()  # the first of the two (and the word reaches Redis)
        await asyncio.wait_for(porto.heavy().acquire(), 1)  # the second
        with pytest.raises(TimeoutError):
            # The day is spent: Heavy calls wait for the next UTC day.
            await asyncio.wait_for(porto.heavy().acquire(), 0.5)
        # Light calls are not counted against the day.
        await asyncio.wait_for(porto.light().acquire(), 0.5)
    finally:
        await lisbon.close()
        await porto.close()


async def test_zoom_saying_more_remains_than_counted_changes_nothing(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 1)
    try:
        await lisbon.heavy().acquire()
        lisbon.heavy().on_limits_seen({"X-RateLimit-Type": "Daily-limit",
                                       "X-RateLimit-Remaining": "29999"})
        await lisbon.heavy().acquire()
        reply = redis_server.command("HGET", "{zhc:group-account}:phone:daily", "used")
        # Our own count stands: two Heavy calls today.
        assert reply is not None and reply[1] == "2"
    finally:
        await lisbon.close()


def test_only_a_daily_count_is_read_as_the_days_remaining() -> None:
    heavy = Limit(10, 1.0)
    assert daily_remaining({"X-RateLimit-Limit": "30000", "X-RateLimit-Remaining": "12"},
                           heavy) == 12
    assert daily_remaining({"X-RateLimit-Type": "Daily-limit", "X-RateLimit-Remaining": "0"},
                           heavy) == 0
    # A per-second count, or no count at all, says nothing of the day.
    assert daily_remaining({"X-RateLimit-Type": "QPS", "X-RateLimit-Remaining": "3"},
                           heavy) is None
    assert daily_remaining({"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "3"},
                           heavy) is None
    assert daily_remaining({}, heavy) is None


async def test_a_429_slows_every_hotel_down_gently_and_the_pace_recovers_in_steps(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 2)
    porto = Hotel("porto", redis_server.url, 2)
    try:
        lisbon.medium().on_rate_limited(0.05)
        await lisbon.medium().acquire()
        await asyncio.sleep(0.1)
        began = time.monotonic()
        await asyncio.gather(*(porto.medium().acquire() for _ in range(10)))
        # Another app may be spending part of the window: 0.85 of the 19.4/s Medium pace
        # (16.5/s), not half of it. Ten calls take 0.55 s, not 0.46 s (nor 0.93 s).
        took = time.monotonic() - began
        assert 0.5 <= took < 0.85
        factor = redis_server.command("HGET", "{zhc:group-account}:phone:medium", "factor")
        assert factor is not None and float(factor[1]) == 0.85
        # Ten seconds after the brake the pace regains a tenth of the rate, and so on: here
        # the brake is made a minute old, and the full pace is back.
        redis_server.command("HSET", "{zhc:group-account}:phone:medium", "changed",
                             str(time.time() - 60))
        await asyncio.sleep(0.6)  # the slow slots already taken are used up
        began = time.monotonic()
        await asyncio.gather(*(porto.medium().acquire() for _ in range(10)))
        assert time.monotonic() - began < 0.7
    finally:
        await lisbon.close()
        await porto.close()


async def test_zoom_saying_the_day_is_spent_by_a_429_holds_every_hotel(
        redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 2)
    porto = Hotel("porto", redis_server.url, 2)
    try:
        await lisbon.heavy().acquire()
        lisbon.heavy().on_daily_exhausted(None)  # "You have exceeded the daily rate limit"
        await asyncio.sleep(0.05)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(porto.heavy().acquire(), 0.5)
    finally:
        await lisbon.close()
        await porto.close()


async def test_a_hotel_sizes_its_work_by_the_accounts_pace_not_its_1_n_share(
        redis_server: RedisServer) -> None:
    # The check-out purge gathers rooms for 2 Heavy slots: at the account's 9.7/s that is
    # 0.2 s, at a sixteenth of it (the local fallback) 3.3 s, which held every room that long.
    lisbon = Hotel("lisbon", redis_server.url, 16)
    try:
        heavy = lisbon.heavy()
        assert heavy.rate_per_second == pytest.approx(10 * 0.97)
        # Redis is gone: the hotel paces, and sizes its work, at its sixteenth.
        lisbon.limiters.link.fall_back(ConnectionError("gone"))
        assert heavy.rate_per_second == pytest.approx(10 * 0.97 / 16)
    finally:
        await lisbon.close()
