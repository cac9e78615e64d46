"""Live notices ("room 101 changed", "a new alert"): a small in-process publish/subscribe.

The store publishes after a commit that changed a room or raised an alert; each console
browser's event stream subscribes. A subscriber has a bounded queue: a browser that reads
too slowly cannot grow the connector's memory. When its queue is full its notices are
dropped and it is told once to reload instead (a `Notice("reload")`), which is always
correct, as the page is rebuilt from the store.

Publishing is safe from any thread: each notice is handed to the subscriber's own event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

NoticeKind = Literal["room", "alert", "wakeup", "reload", "closing"]

# Notices a subscriber may have waiting; a checkout rush of a whole floor fits.
QUEUE_SIZE = 256


@dataclass(frozen=True)
class Notice:
    """What changed: a room (`room` names it), an alert (`room` is the alert's room), a
    wake-up try started or ended (`wakeup`), or everything (reload); `closing`: the
    connector is shutting down, stop listening."""

    kind: NoticeKind
    room: str | None = None


class Subscription:
    """One listener's queue; read it with `await next()`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, size: int) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[Notice] = asyncio.Queue(size)
        self._overflowed = False

    async def next(self) -> Notice:
        notice = await self._queue.get()
        if notice.kind == "reload":
            self._overflowed = False
        return notice

    def _offer(self, notice: Notice) -> None:
        """On the subscriber's loop: queue the notice, or once a reload when full (closing
        always gets through)."""
        if notice.kind == "closing":
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(notice)
            return
        if self._overflowed:
            return
        if self._queue.full():
            self._overflowed = True
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(Notice("reload"))
            return
        self._queue.put_nowait(notice)

    def deliver(self, notice: Notice) -> None:
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._offer, notice)


class Notices:
    """The hub. `publish` never blocks and costs nothing with no subscriber."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscribers: set[Subscription] = set()
        self._closed = False

    def publish(self, notice: Notice) -> None:
        for subscriber in list(self._subscribers):
            subscriber.deliver(notice)

    def close(self) -> None:
        """Shutting down: every subscriber, and any that comes later, hears `closing` (so a
        browser's open event stream does not hold the web server's graceful shutdown)."""
        self._closed = True
        self.publish(Notice("closing"))

    def rooms_changed(self, rooms: list[str]) -> None:
        for room in rooms:
            self.publish(Notice("room", room))

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    @contextmanager
    def subscribe(self) -> Iterator[Subscription]:
        """A subscription for the running event loop, dropped on leaving the block."""
        subscription = Subscription(asyncio.get_running_loop(), self._queue_size)
        if self._closed:
            subscription.deliver(Notice("closing"))
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)
