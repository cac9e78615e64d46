"""The sandbox's clock: real time plus an offset that tests and the admin API move forward."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

# A fixed, deterministic instant for frozen clocks (a Monday morning).
DEFAULT_FROZEN_START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


class SandboxClock:
    """Implements `connector.clock.Clock`; `advance()` moves both wall and monotonic time.

    Frozen: time moves only when advanced, so per-second rate limits and expiries are exact in
    tests. Running (the default for a served sandbox): real time flows, plus any advance;
    `speed` k > 1 makes it flow k times faster (a benchmark's day in minutes), and `sleep`
    waits k times less.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False,
                 speed: float = 1.0) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._frozen = frozen
        self.speed = speed
        self._start = start or (DEFAULT_FROZEN_START if frozen else datetime.now(UTC))
        self._real_start = time.monotonic()
        self._offset = 0.0

    @property
    def frozen(self) -> bool:
        return self._frozen

    def _elapsed(self) -> float:
        real = 0.0 if self._frozen else time.monotonic() - self._real_start
        return self._offset + real * self.speed

    def now(self) -> datetime:
        """Sandbox wall-clock time, UTC."""
        return self._start + timedelta(seconds=self._elapsed())

    def monotonic(self) -> float:
        """Seconds since the clock was made, including every advance."""
        return self._elapsed()

    async def sleep(self, seconds: float) -> None:
        """Frozen: advance instead of waiting. Running: really wait."""
        if self._frozen:
            self.advance(max(0.0, seconds))
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(max(0.0, seconds) / self.speed)

    def advance(self, seconds: float) -> None:
        """Move time forward (never back: tokens, windows and DND only go one way)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += seconds

    def advance_to(self, when: datetime) -> None:
        """Move time forward to `when` (no-op if it is already later)."""
        delta = (when - self.now()).total_seconds()
        if delta > 0:
            self.advance(delta)
