"""A strict limit on requests to a vendor: never more than `limit` in any `window` seconds,
bursts included, as the vendor counts them.

A token bucket (aiolimiter) lets a full bucket go at once and then refills continuously, so
a burst right after a quiet spell can put more than the limit into one second; Cloudbeds
suspends credentials for exactly that. This keeps the last `limit` requests and makes the
next one wait until the oldest has left the window.

When does a request leave the window? The vendor counts it when it arrives, somewhere
between our sending it and our reading its answer; a slow network or a busy process can
hold one back and then let it arrive right beside later ones. So a request made in
`async with limiter.request():` counts from when its answer came (the latest it can have
arrived), and the next request past the limit waits for that answer and a full window after
it: the vendor can then never see more than `limit` in one of its seconds, whatever the jitter
(at the cost of the answers' latency: 5 a second with 100 ms answers is 5 in 1.15 s). A
bare `acquire()` counts from its start only, widened by `margin`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import AsyncIterator

from connector.clock import Clock, SystemClock


class _Slot:
    """One request: when it can no longer reach the vendor (inf while its answer is
    awaited)."""

    __slots__ = ("end",)

    def __init__(self, end: float) -> None:
        self.end = end


class SlidingWindowLimiter:
    """`async with limiter.request():` around each request (or `await limiter.acquire()`
    before it)."""

    def __init__(self, limit: int, window: float = 1.0, *, margin: float = 0.05,
                 clock: Clock | None = None) -> None:
        if limit < 1:
            raise ValueError("a limit is at least one request")
        if window <= 0 or margin < 0:
            raise ValueError("the window is positive and the margin not negative")
        self.limit = limit
        self.window = window + margin
        self._clock: Clock = clock or SystemClock()
        self._slots: deque[_Slot] = deque(maxlen=limit)
        self._lock = asyncio.Lock()
        self._answered = asyncio.Event()  # set whenever a request in flight ends
        self.waited_seconds = 0.0  # in total, for the metrics and the bench

    async def acquire(self) -> None:
        """Return when one more request fits in the window; it counts from now."""
        await self._take(_Slot(math.inf))
        self._slots[-1].end = self._clock.monotonic()

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Around one request: it counts until its answer came (or it failed)."""
        slot = _Slot(math.inf)
        await self._take(slot)
        try:
            yield
        finally:
            slot.end = self._clock.monotonic()
            self._answered.set()

    async def _take(self, slot: _Slot) -> None:
        async with self._lock:  # in order: a waiter is never overtaken
            while len(self._slots) == self.limit:
                oldest = self._slots[0]
                if math.isinf(oldest.end):  # its answer is still awaited
                    self._answered.clear()
                    await self._answered.wait()
                    continue
                wait = oldest.end + self.window - self._clock.monotonic()
                if wait <= 0:
                    break
                self.waited_seconds += wait
                await self._clock.sleep(wait)
            self._slots.append(slot)
