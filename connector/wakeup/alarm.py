"""How the scheduler sleeps: until the next wake-up is due, a change arrives, or a stop,
whichever is first. Time goes through the injected clock, so tests move it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from connector.clock import Clock, nap

# Deadlines are wall-clock times; look again at least this often (seconds), so a wall clock
# stepped by NTP cannot leave the scheduler asleep past a wake-up.
MAX_SLEEP = 60.0


class Alarm:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._event = asyncio.Event()

    def wake(self) -> None:
        """Cut the current (or next) sleep short."""
        self._event.set()

    async def sleep(self, until: datetime | None, stop: asyncio.Event) -> None:
        """Return at `until` (None: no deadline), on `wake()`, or once `stop` is set. A wake
        that came before the call is not lost: it returns at once."""
        seconds = MAX_SLEEP
        if until is not None:
            seconds = min(MAX_SLEEP, max(0.0, (until - self._clock.now()).total_seconds()))
        try:
            await nap(self._clock, seconds, self._event, stop)
        finally:
            self._event.clear()
