"""Dials waiting for a free line are served in the order they asked."""

from __future__ import annotations

import asyncio

from connector.sip.turns import Turns


async def test_waiting_dials_get_lines_first_come_first_served() -> None:
    turns = Turns(["line1"], usable=lambda line: True)
    assert await turns.take() == "line1"
    waiters = [asyncio.create_task(turns.take()) for _ in range(3)]
    await asyncio.sleep(0)
    order = []
    for _ in range(3):
        turns.give_back("line1")
        await asyncio.sleep(0)
        order.append(next(i for i, w in enumerate(waiters) if w.done() and i not in order))
    assert order == [0, 1, 2]


async def test_unregistered_lines_are_skipped_until_usable() -> None:
    registered = {"line2"}
    turns = Turns(["line1", "line2"], usable=lambda line: line in registered)
    assert await turns.take() == "line2"
    waiter = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    assert not waiter.done()  # line1 is free but not registered
    registered.add("line1")
    turns.recheck()
    assert await waiter == "line1"


async def test_a_cancelled_waiter_does_not_swallow_a_line() -> None:
    turns = Turns(["line1"], usable=lambda line: True)
    await turns.take()
    gone = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.sleep(0)
    turns.give_back("line1")
    assert await turns.take() == "line1"
