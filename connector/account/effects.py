"""The leader's outside effects, each behind its own deadline check.

Every Zoom call and every delivery to a hotel goes through `Effects`, which checks the
leadership's monotonic deadline right before it: a leader frozen (a GC pause, a stopped VM,
SIGSTOP) that wakes past its deadline raises `LeadershipLost` instead of acting. `pause` is
called first with the effect's name: production passes none; the failure tests freeze there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from connector.account.election import Leadership
from connector.account.forward import Delivery, deliver_feed
from connector.account.group import Hotel
from connector.clock import Clock

T = TypeVar("T")
PauseHook = Callable[[str], Awaitable[None]]


async def _no_pause(effect: str) -> None:
    return None


class Effects:
    """What a leader does to the world, under `lead`."""

    def __init__(self, lead: Leadership, *, client: httpx.AsyncClient, feed_secret: str,
                 clock: Clock, pause: PauseHook | None = None) -> None:
        self.lead = lead
        self._client = client
        self._secret = feed_secret
        self._clock = clock
        self._pause = pause or _no_pause

    async def zoom(self, effect: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one Zoom call (or one page of a listing) if still leading."""
        await self._pause(effect)
        self.lead.check()
        return await call()

    async def deliver(self, hotel: Hotel, body: bytes) -> Delivery:
        """Deliver one feed document to `hotel` if still leading."""
        await self._pause(f"deliver:{hotel.hotel_id}")
        self.lead.check()
        return await deliver_feed(self._client, hotel, body, secret=self._secret,
                                  now=int(self._clock.now().timestamp()))
