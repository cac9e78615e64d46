"""Time, injected: business rules take a clock so tests can move it instead of sleeping."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for intervals and timeouts)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait; a test clock may advance instead of waiting."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


async def nap(clock: Clock, seconds: float, *wakers: asyncio.Event) -> None:
    """Sleep `seconds` on `clock`, or less: until any of `wakers` (a stop, a nudge) is set.
    The waiters are cancelled and awaited before returning, so none outlives the nap."""
    waiters = {asyncio.ensure_future(clock.sleep(max(0.0, seconds))),
               *(asyncio.ensure_future(event.wait()) for event in wakers)}
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        for waiter in waiters:
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
