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
        self._last_sent: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def next_allowed_in(self, user_id: str) -> float:
        """Seconds until an update for this user may be sent (0 when it may go now)."""
        last = self._last_sent.get(user_id)
        if last is None:
            return 0.0
        return max(0.0, last + self._interval - self._clock.monotonic())

    def lock(self, user_id: str) -> asyncio.Lock:
        """Held while an update for the user waits its turn and is sent."""
        return self._locks.setdefault(user_id, asyncio.Lock())

    async def wait_turn(self, user_id: str) -> float:
        """Sleep until the user's minute has passed; returns the seconds waited."""
        delay = self.next_allowed_in(user_id)
        if delay > 0:
            await self._clock.sleep(delay)
        return delay

    def sent(self, user_id: str) -> None:
        self._last_sent[user_id] = self._clock.monotonic()
