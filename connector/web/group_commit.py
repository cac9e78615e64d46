"""Group commit for the webhook: requests that arrive together share one transaction and one
disk flush, and each is answered only once that flush is over.

A durable commit costs an fsync (milliseconds) and runs on the event loop, so while one
commits the next requests queue up in their sockets; they are read, checked and parsed, and
then wait here for the next commit together instead of taking one flush each. The group is
closed when a turn of the loop brings no new request (a few turns at most), so a lone
request waits a few dozen microseconds, not a timer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

# Requests one commit holds at most, and loop turns a group stays open for more.
MAX_GROUP = 256
MAX_TURNS = 8

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """`await group.submit(item)`: stored with whatever else came in together; raises what
    `commit` raised for the whole group (a StoreError: nothing of it stored) or the
    exception that kept this request's item out (the others' are stored).

    `commit` stores a group's items in one transaction and returns, in order, each one's
    result or the exception that kept it out. The PMS webhook's items are a request's
    events; Cloudbeds' are its notices."""

    def __init__(self, commit: Callable[[Sequence[Item]], Sequence[Result | Exception]]
                 ) -> None:
        self._commit = commit
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        # The commit runs in the flush task: a request cancelled while it waits cancels only
        # its own future (its item is committed with the group all the same, and the
        # others are answered), so no shield, which cost a second future per request.
        return await future

    async def _flush(self) -> None:
        try:
            while self._waiting:
                await self._gather()
                group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
                self._settle(group)
        finally:
            self._flushing = None

    async def _gather(self) -> None:
        """Let requests already on their way (read, not yet parsed) join the group."""
        for _ in range(MAX_TURNS):
            seen = len(self._waiting)
            await asyncio.sleep(0)
            if len(self._waiting) == seen or len(self._waiting) >= MAX_GROUP:
                return

    def _settle(self, group: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            outcomes = self._commit([item for item, _ in group])
        except Exception as error:
            for _, future in group:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), outcome in zip(group, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
