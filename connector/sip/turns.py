"""Handing out free lines in the order dials asked for them (FIFO, so no wake-up call waits
behind later ones when every line is busy)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Turns(Generic[T]):
    """Free items and the callers waiting for one; `usable` says which free items may be
    handed out now (a line must be registered)."""

    def __init__(self, items: Iterable[T], usable: Callable[[T], bool]) -> None:
        self._free: deque[T] = deque(items)
        self._usable = usable
        self._waiting: deque[asyncio.Future[T]] = deque()

    async def take(self) -> T:
        """A free usable item, waiting in line behind earlier callers when there is none."""
        if not self._waiting:
            for item in self._free:
                if self._usable(item):
                    self._free.remove(item)
                    return item
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give_back(waiter.result())
            raise

    def recheck(self) -> None:
        """An item may have become usable (a line registered): serve whoever waits."""
        for item in list(self._free):
            if not self._waiting:
                return
            if self._usable(item):
                self._free.remove(item)
                self.give_back(item)

    def give_back(self, item: T) -> None:
        """Return an item: to the first caller still waiting, else to the free set."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        self._free.append(item)
