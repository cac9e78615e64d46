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
