"""A connector on a busy machine wakes up late for its slot: it does not send together with the
punctual hotels (which would put more than Zoom's limit in one window), it takes a new slot."""

from __future__ import annotations

import asyncio
import itertools
import time

from connector.clock import SystemClock
from connector.zoom.shared_limiter import MAX_REDRAWS
from tests.shared_limiter.hotels import Hotel
from tests.shared_limiter.redis_server import RedisServer

# Phone Medium on Business: 20/s, paced at 0.97 x 20 = 19.4/s, one slot every 51.5 ms.
SLOT = 1 / 19.4


class DrowsyClock(SystemClock):
    """A loaded machine: every other sleep ends `late` seconds after it should."""

    def __init__(self, late: float, *, every: int = 2) -> None:
        self.late = late
        self.every = every
        self.sleeps = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        extra = self.late if self.sleeps % self.every == 0 else 0.0
        await super().sleep(seconds + extra)


async def _calls(hotel: Hotel, count: int, sent: list[tuple[float, str]]) -> None:
    for _ in range(count):
        await hotel.medium().acquire()
        sent.append((time.monotonic(), hotel.name))


async def test_a_hotel_woken_late_takes_a_new_slot_instead_of_crowding_the_next_one(
        redis_server: RedisServer) -> None:
    drowsy = DrowsyClock(late=0.06)
    lisbon = Hotel("lisbon", redis_server.url, 2, clock=drowsy)
    porto = Hotel("porto", redis_server.url, 2)
    sent: list[tuple[float, str]] = []
    try:
        await asyncio.gather(_calls(lisbon, 8, sent), _calls(porto, 8, sent))
    finally:
        await lisbon.close()
        await porto.close()
    # Every call went (Lisbon's too), and no two went closer than half a slot apart: a late
    # Lisbon call sent at once would have gone 8 ms after Porto's next one.
    assert sorted(name for _, name in sent) == ["lisbon"] * 8 + ["porto"] * 8
    stamps = sorted(at for at, _ in sent)
    assert min(b - a for a, b in itertools.pairwise(stamps)) >= SLOT / 2
    assert drowsy.sleeps > 8  # Lisbon slept for more slots than it sent calls


async def test_a_machine_late_at_every_wake_up_still_sends(redis_server: RedisServer) -> None:
    lisbon = Hotel("lisbon", redis_server.url, 1, clock=DrowsyClock(late=0.06, every=1))
    porto = Hotel("porto", redis_server.url, 1)
    sent: list[tuple[float, str]] = []
    try:
        began = time.monotonic()
        # Porto keeps the account busy, so every Lisbon slot lies ahead and Lisbon sleeps.
        await asyncio.wait_for(
            asyncio.gather(_calls(lisbon, 4, sent), _calls(porto, 20, sent)), 10)
        took = time.monotonic() - began
    finally:
        await lisbon.close()
        await porto.close()
    assert [name for _, name in sent].count("lisbon") == 4
    # Each Lisbon call took at most 1 + MAX_REDRAWS slots and oversleeps: bounded, not stuck.
    assert took < 24 * SLOT + 4 * (1 + MAX_REDRAWS) * (SLOT + 0.06) + 0.5
