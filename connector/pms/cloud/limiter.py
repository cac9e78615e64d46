"""A strict limit on requests to a vendor: never more than `limit` in any `window` seconds,
bursts included.

A token bucket (aiolimiter) lets a full bucket go at once and then refills continuously, so
a burst right after a quiet spell can put more than the limit into one second; Cloudbeds
suspends credentials for exactly that. This keeps the last `limit` requests and makes the
next one wait until the oldest has left the window.

When the oldest left the window depends on how it is counted:

- `await limiter.acquire()`: from when the request was started. `margin` widens the window
  a little, so that network jitter between here and the vendor cannot bunch two seconds'
  worth of requests into one of the vendor's seconds; a request held up on the way longer
  than the margin still can (OHIP only delays what goes over: good enough there).
- `async with limiter.holding():` around the request and its answer: from when the answer
  came. The vendor saw the request between its start and its answer, so a request started
  a window after that answer reaches the vendor more than a window after it, whatever the
  network did: no window at the vendor can hold more than `limit`. For Cloudbeds, whose
  suspension needs a person to lift; it costs one round trip per `limit` requests.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator

from connector.clock import Clock, SystemClock


class _Slot:
    """One request's place in the window: `left` is when it stops counting (None while its
    answer is awaited); `done` is set then."""

    __slots__ = ("done", "left")

    def __init__(self, left: float | None) -> None:
        self.left = left
        self.done = asyncio.Event()
        if left is not None:
            self.done.set()


class SlidingWindowLimiter:
    """`await limiter.acquire()` before a request, or `async with limiter.holding():` around
    it and its answer."""

    def __init__(self, limit: int, window: float = 1.0, *, margin: float = 0.05,
                 clock: Clock | None = None) -> None:
        if limit < 1:
            raise ValueError("a limit is at least one request")
        if window <= 0 or margin < 0:
            raise ValueError("the window is positive and the margin not negative")
        self.limit = limit
        self.window = window + margin
        self._clock: Clock = clock or SystemClock()
        self._slots: deque[_Slot] = deque()
        self._lock = asyncio.Lock()
        self.waited_seconds = 0.0  # in total, for the metrics and the bench

    async def acquire(self) -> None:
        """Return when one more request fits in the window; it counts from now."""
        await self._take(until_answered=False)

    @contextlib.asynccontextmanager
    async def holding(self) -> AsyncIterator[None]:
        """Enter when one more request fits in the window; it counts until the block is
        left (the answer came, or the request failed)."""
        slot = await self._take(until_answered=True)
        try:
            yield
        finally:
            slot.left = self._clock.monotonic()
            slot.done.set()

    async def _take(self, *, until_answered: bool) -> _Slot:
        async with self._lock:  # in order: a waiter is never overtaken
            while len(self._slots) >= self.limit:
                oldest = self._slots[0]
                if oldest.left is None:
                    await oldest.done.wait()
                    continue
                wait = oldest.left + self.window - self._clock.monotonic()
                if wait > 0:
                    self.waited_seconds += wait
                    await self._clock.sleep(wait)
                self._slots.popleft()
            slot = _Slot(None if until_answered else self._clock.monotonic())
            self._slots.append(slot)
            return slot
