"""A strict limit on requests to a vendor: never more than `limit` in any `window` seconds,
bursts included.

A token bucket (aiolimiter) lets a full bucket go at once and then refills continuously, so
a burst right after a quiet spell can put more than the limit into one second; Cloudbeds
suspends credentials for exactly that. This keeps the start times of the last `limit`
requests and makes the next one wait until the oldest has left the window. `margin` widens
the window a little, so that network jitter between here and the vendor cannot bunch two
seconds' worth of requests into one of the vendor's seconds.
"""

from __future__ import annotations

import asyncio
from collections import deque

from connector.clock import Clock, SystemClock


class SlidingWindowLimiter:
    """`async with limiter:` (or `await limiter.acquire()`) before each request."""

    def __init__(self, limit: int, window: float = 1.0, *, margin: float = 0.05,
                 clock: Clock | None = None) -> None:
        if limit < 1:
            raise ValueError("a limit is at least one request")
        if window <= 0 or margin < 0:
            raise ValueError("the window is positive and the margin not negative")
        self.limit = limit
        self.window = window + margin
        self._clock: Clock = clock or SystemClock()
        self._starts: deque[float] = deque(maxlen=limit)
        self._lock = asyncio.Lock()
        self.waited_seconds = 0.0  # in total, for the metrics and the bench

    async def acquire(self) -> None:
        """Return when one more request fits in the window; it counts from now."""
        async with self._lock:  # in order: a waiter is never overtaken
            while len(self._starts) == self.limit:
                wait = self._starts[0] + self.window - self._clock.monotonic()
                if wait <= 0:
                    break
                self.waited_seconds += wait
                await self._clock.sleep(wait)
            self._starts.append(self._clock.monotonic())

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *_: object) -> None:
        return None
