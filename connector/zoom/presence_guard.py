"""Zoom accepts one presence update per user per minute; never send a second one early."""

from __future__ import annotations

import asyncio

from connector.clock import Clock

PRESENCE_INTERVAL_SECONDS = 60.0


class PresenceGuard:
    """Serialises presence updates per user and spaces them a minute apart."""

    def __init__(self, clock: Clock, interval: float = PRESENCE_INTERVAL_SECONDS) -> None:
        self._clock = clock
        self._interval = interval
        self._next_at: dict[str, float] = {}  # user → monotonic time of its next turn
        self._locks: dict[str, asyncio.Lock] = {}

    def next_allowed_in(self, user_id: str) -> float:
        """Seconds until an update for this user may be sent (0 when it may go now)."""
        at = self._next_at.get(user_id)
        return 0.0 if at is None else max(0.0, at - self._clock.monotonic())

    def lock(self, user_id: str) -> asyncio.Lock:
        """Held while an update for the user waits its turn and is sent."""
        return self._locks.setdefault(user_id, asyncio.Lock())

    async def wait_turn(self, user_id: str) -> float:
        """Sleep until the user's minute has passed; returns the seconds waited."""
        delay = self.next_allowed_in(user_id)
        if delay > 0:
            await self._clock.sleep(delay)
        return delay

    def sent(self, user_id: str, retry_after: float | None = None) -> None:
        """An update was sent (or refused by Zoom's per-user limit, which may name a longer
        wait in `retry_after`): the user's next turn is a minute from now, or later."""
        wait = max(self._interval, retry_after or 0.0)
        self._next_at[user_id] = self._clock.monotonic() + wait
