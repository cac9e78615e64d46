"""How an outbox pump sleeps: until it is woken (a report was made, the link came up, a
stop), or its next deadline passes, whichever is first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any

from connector.clock import Clock, first_of

# Deadlines are wall-clock times from the store; re-check at least this often (seconds), so
# a wall clock stepped by NTP cannot leave a pump asleep.
MAX_SLEEP = 60.0


class Waker:
    """One pump's alarm clock. `wake()` is safe to call from anywhere on the loop."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    async def sleep(self, until: datetime | None, *also: Awaitable[Any]) -> None:
        """Return at `until` (None: no deadline), on `wake()`, or when one of `also`
        finishes. A wake that came before the call is not lost: it returns at once."""
        timeout = MAX_SLEEP
        if until is not None:
            timeout = min(MAX_SLEEP, max(0.0, (until - self._clock.now()).total_seconds()))
        try:
            await first_of(self._event.wait(), *also, within=timeout)
        finally:
            # Cleared before the pump looks at the store again, so a wake during its pass
            # makes the next sleep return at once.
            self._event.clear()
