"""A clock the test moves: sleeping advances it instead of waiting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

# A Tuesday morning, well away from a UTC day boundary.
DEFAULT_START = datetime(2026, 3, 10, 9, 0, 0, tzinfo=UTC)


class FakeClock:
    """Implements `connector.clock.Clock`; every sleep is recorded in `sleeps`.

    A sleep moves the clock forward by its length at once and lets other tasks run; a task
    that then re-checks the clock finds its own wait already over.
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._start = start
        self._elapsed = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return 1_000.0 + self._elapsed

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._elapsed += max(0.0, seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Let time pass without anyone sleeping."""
        self._elapsed += seconds

    def set_now(self, when: datetime) -> None:
        """Jump the wall clock (and the monotonic one with it) forward to `when`."""
        self.advance((when - self.now()).total_seconds())

    @property
    def slept(self) -> float:
        """Total seconds asked for, over every sleep."""
        return sum(self.sleeps)
