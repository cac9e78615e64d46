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

from connector.events.models import AnyEvent
from connector.store import Outcome, Received

# Requests one commit holds at most, and loop turns a group stays open for more.
MAX_GROUP = 256
MAX_TURNS = 8

Commit = Callable[[Sequence[Sequence[AnyEvent]]], list[Outcome]]


class GroupCommit:
    """`await group.submit(events)`: stored with whatever else came in together; raises what
    `commit` raised for the whole group (a StoreError: nothing of it stored) or the
    exception that kept this request's events out (the others' are stored)."""

    def __init__(self, commit: Commit) -> None:
        self._commit = commit
        self._waiting: list[tuple[Sequence[AnyEvent], asyncio.Future[list[Received]]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, events: Sequence[AnyEvent]) -> list[Received]:
        future: asyncio.Future[list[Received]] = asyncio.get_running_loop().create_future()
        self._waiting.append((events, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        # The commit runs in the flush task: a request cancelled while it waits cancels only
        # its own future (its events are committed with the group all the same, and the
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

    def _settle(self, group: list[tuple[Sequence[AnyEvent],
                                        asyncio.Future[list[Received]]]]) -> None:
        try:
            outcomes = self._commit([events for events, _ in group])
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
