"""A fast clock for the wake-up scheduler on real SIP: its minutes pass in seconds, while the
line pool keeps real time (ring timeouts, SIP timers and media are real)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta


class ScaledClock:
    """Implements `connector.clock.Clock`, `speed` times faster than real time, showing
    `start` when made.

    The call script measures its digit waits on this clock but hands the time left to
    `Call.read_digit`, which waits in real seconds: so a confirmation wait lasts about
    `confirm_wait_seconds` real seconds, while retry intervals and the grace window shrink."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.monotonic())

    def monotonic(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)

    def real_moment(self, at: datetime) -> float:
        """The `time.monotonic()` at which this clock shows `at`."""
        return self._origin + (at - self.start).total_seconds() / self.speed
