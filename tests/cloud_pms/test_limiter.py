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


async def test_a_request_counts_until_its_answer_came_so_a_late_arrival_cannot_bunch() -> None:
    """Cloudbeds counts a request when it arrives, which may be as late as its answer: the
    request past the limit waits for that answer and a whole window after it."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 1.0, margin=0.0, clock=clock)
    started: list[float] = []
    answer = asyncio.Event()

    async def request(slow: bool = False) -> None:
        async with limiter.request():
            started.append(clock.monotonic())
            if slow:
                await answer.wait()

    slow = asyncio.create_task(request(slow=True))
    await asyncio.sleep(0)
    await request()
    third = asyncio.create_task(request())
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(started) == 2  # the slow one's answer has not come: it still counts
    clock.advance(3.0)
    answered_at = clock.monotonic()
    answer.set()
    await asyncio.gather(slow, third)
    assert started[2] == pytest.approx(answered_at + 1.0)


async def test_a_failed_request_stops_counting_when_it_failed() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 1.0, margin=0.0, clock=clock)
    with pytest.raises(ConnectionError):
        async with limiter.request():
            raise ConnectionError("no answer")
    failed_at = clock.monotonic()
    async with limiter.request():
        assert clock.monotonic() == pytest.approx(failed_at + 1.0)
