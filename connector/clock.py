"""Time, injected: business rules take a clock so tests can move it instead of sleeping."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, Protocol


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
    await first_of(clock.sleep(max(0.0, seconds)), *(event.wait() for event in wakers))


async def first_of(*awaitables: Awaitable[Any], within: float | None = None) -> None:
    """Until the first of `awaitables` finishes, or `within` seconds of real time pass;
    the rest are cancelled and awaited before returning, so none outlives the wait."""
    waiters = {asyncio.ensure_future(a) for a in awaitables}
    try:
        await asyncio.wait(waiters, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        for waiter in waiters:
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
