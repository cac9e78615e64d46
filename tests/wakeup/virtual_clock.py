"""A clock for tests with several tasks waiting at once: time jumps to the next sleeper's
deadline only when every task is waiting, so concurrent calls overlap in time as they would
on a real clock (FakeClock adds sleeps up one after another instead)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

# Enough turns of the event loop for every runnable task to reach its next wait.
_SETTLE_TURNS = 200


class VirtualClock:
    """Implements `connector.clock.Clock` on virtual time, driven by `run_until`."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return 1_000.0 + self._elapsed

    @property
    def elapsed(self) -> float:
        """Seconds since the start."""
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        wakeup = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers,
                       (self._elapsed + max(0.0, seconds), next(self._order), wakeup))
        await wakeup

    def jump(self, seconds: float) -> None:
        """Let time pass while nothing runs (the connector is down): no sleeper may be
        waiting."""
        self._drop_cancelled()
        assert not self._sleepers, "jump() is for when nothing waits on this clock"
        self._elapsed += seconds

    async def run_until(self, done: Callable[[], bool], *, within: float) -> None:
        """Let the tasks run, moving time from deadline to deadline, until `done()`; fails
        after `within` virtual seconds."""
        limit = self._elapsed + within
        while True:
            await settle()
            if done():
                return
            self._drop_cancelled()
            if not self._sleepers or self._sleepers[0][0] > limit:
                raise AssertionError(f"not done after {within} virtual seconds")
            self._elapsed = max(self._elapsed, self._sleepers[0][0])
            while self._sleepers and self._sleepers[0][0] <= self._elapsed:
                _, _, wakeup = heapq.heappop(self._sleepers)
                if not wakeup.done():
                    wakeup.set_result(None)

    async def run_for(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass with the tasks running."""
        target = self._elapsed + seconds
        self._drop_cancelled()
        gate = asyncio.ensure_future(self.sleep(seconds))
        await self.run_until(gate.done, within=seconds)
        self._elapsed = max(self._elapsed, target)
        await settle()

    def _drop_cancelled(self) -> None:
        self._sleepers = [s for s in self._sleepers if not s[2].done()]
        heapq.heapify(self._sleepers)


async def settle() -> None:
    for _ in range(_SETTLE_TURNS):
        await asyncio.sleep(0)
