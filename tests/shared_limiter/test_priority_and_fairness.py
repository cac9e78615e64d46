"""Under contention the account serves guests first and every hotel its part: a check-out's
calls pass a directory refresh, and a small hotel is not starved by a big one's rush."""

from __future__ import annotations

import asyncio
import time

from connector.zoom.work_class import background_work
from tests.shared_limiter.hotels import Hotel
from tests.shared_limiter.redis_server import RedisServer

# Phone Medium on Business: 20/s, paced at 19/s.
SLOT = 1 / 19


async def test_a_check_out_passes_a_directory_refresh_already_queued(
        redis_server: RedisServer) -> None:
    hotel = Hotel("lisbon", redis_server.url, 1)
    done: dict[str, list[float]] = {"guest": [], "background": []}
    began = time.monotonic()

    async def call(kind: str) -> None:
        await hotel.medium().acquire()
        done[kind].append(time.monotonic() - began)

    async def refresh() -> None:
        with background_work():
            await asyncio.gather(*(call("background") for _ in range(40)))

    try:
        sweep = asyncio.ensure_future(refresh())
        await asyncio.sleep(0.1)  # the refresh is queued first
        await asyncio.gather(*(call("guest") for _ in range(10)))
        await sweep
    finally:
        await hotel.close()
    # Forty background calls are about two seconds of the account's Medium rate; the ten
    # guest-facing ones arrived behind them yet took only their own half-second.
    assert max(done["guest"]) < 0.1 + 0.1 + (10 + 3) * SLOT
    assert max(done["background"]) > 50 * SLOT - 0.1


async def test_background_work_uses_the_account_when_guests_do_not_need_it(
        redis_server: RedisServer) -> None:
    hotel = Hotel("lisbon", redis_server.url, 1)
    try:
        began = time.monotonic()
        with background_work():
            await asyncio.gather(*(hotel.medium().acquire() for _ in range(19)))
        assert time.monotonic() - began < 19 * SLOT + 0.4
    finally:
        await hotel.close()


async def test_a_small_hotels_calls_are_not_starved_by_a_big_hotels_rush(
        redis_server: RedisServer) -> None:
    big = Hotel("big-resort", redis_server.url, 2)
    small = Hotel("small-inn", redis_server.url, 2)
    waits: list[float] = []

    async def small_call() -> None:
        began = time.monotonic()
        await small.medium().acquire()
        waits.append(time.monotonic() - began)

    try:
        await small.light().acquire()  # the inn is up and live
        # The resort's check-out morning: 100 Medium calls at once (more than 5 s of the
        # account's rate).
        rush = asyncio.gather(*(big.medium().acquire() for _ in range(100)))
        await asyncio.sleep(0.5)
        for _ in range(5):
            await small_call()
            await asyncio.sleep(0.2)
        began = time.monotonic()
        await rush
        rush_left = time.monotonic() - began
    finally:
        await big.close()
        await small.close()
    # The inn waits about the account's short queue (0.25 s), never the resort's whole rush
    # (more than 5 s); the bound leaves room for a loaded test machine.
    assert sorted(waits)[2] < 0.5
    assert max(waits) < 1.0
    assert rush_left > 1.0  # the rush was still going while the inn was served


async def test_a_busy_hotel_alone_uses_the_whole_account(redis_server: RedisServer) -> None:
    big = Hotel("big-resort", redis_server.url, 4)
    quiet = [Hotel(f"quiet-{i}", redis_server.url, 4) for i in range(3)]
    try:
        for hotel in quiet:  # three quiet hotels, connected and live, that call nothing
            await hotel.light().acquire()
        began = time.monotonic()
        await asyncio.gather(*(big.medium().acquire() for _ in range(38)))
        # Not a fixed quarter (four seconds): the whole account's 19/s.
        assert time.monotonic() - began < 38 * SLOT + 0.6
    finally:
        for hotel in (big, *quiet):
            await hotel.close()
