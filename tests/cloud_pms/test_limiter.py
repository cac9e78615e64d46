"""The vendor limiter: no window of a second ever holds more than the limit, bursts included."""

from __future__ import annotations

import asyncio

import pytest

from connector.pms.cloud.limiter import SlidingWindowLimiter
from tests.support.fake_clock import FakeClock


def _most_in_any_window(starts: list[float], window: float) -> int:
    return max(sum(1 for t in starts if s <= t < s + window) for s in starts)


async def test_a_burst_of_twenty_after_a_quiet_spell_stays_at_five_a_second() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(5, 1.0, margin=0.0, clock=clock)
    starts: list[float] = []

    async def request() -> None:
        await limiter.acquire()
        starts.append(clock.monotonic())

    await asyncio.gather(*(request() for _ in range(20)))
    assert len(starts) == 20
    assert _most_in_any_window(starts, 1.0) == 5
    assert starts[-1] - starts[0] == pytest.approx(3.0)  # the 20th waits for three full windows


async def test_requests_spread_out_never_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(5, 1.0, clock=clock)
    for _ in range(10):
        await limiter.acquire()
        await clock.sleep(0.3)
    assert limiter.waited_seconds == 0.0


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        SlidingWindowLimiter(0)


async def test_held_slots_keep_a_window_between_an_answer_and_the_request_after_the_limit(
        ) -> None:
    # Answers come back slowly and unevenly: the vendor may have seen each request as late
    # as its answer, so the sixth request waits a window after the first answer, not after
    # the first start.
    clock = FakeClock()
    limiter = SlidingWindowLimiter(5, 1.0, margin=0.0, clock=clock)
    seen: list[tuple[float, float]] = []  # (start, answer) of each request

    async def request(round_trip: float) -> None:
        async with limiter.holding():
            start = clock.monotonic()
            await clock.sleep(round_trip)
            seen.append((start, clock.monotonic()))

    await asyncio.gather(*(request(0.4 if i < 5 else 0.0) for i in range(10)))
    starts = sorted(start for start, _ in seen)
    first_answer = min(answer for _, answer in seen)
    assert starts[5] >= first_answer + 1.0
    # At the vendor, each request arrived somewhere between its start and its answer:
    # even arriving as late as possible, no second holds more than five.
    latest = sorted(answer for _, answer in seen)
    assert _most_in_any_window(latest, 1.0) <= 5


async def test_a_request_that_fails_gives_its_slot_back_after_the_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 1.0, margin=0.0, clock=clock)
    with pytest.raises(OSError):
        async with limiter.holding():
            raise OSError("connection reset")
    before = clock.monotonic()
    async with limiter.holding():
        pass
    assert clock.monotonic() - before == pytest.approx(1.0)
