"""A SIGTERM during a rush: rooms in a pass finish, rooms still queued wait for the restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scenarios.hotel import open_hotel, reopen


async def test_stopping_finishes_rooms_in_a_pass_and_leaves_queued_ones_for_the_restart(
    tmp_path: Path,
) -> None:
    async with open_hotel(tmp_path, CONNECTOR_RECONCILE__PARALLEL_ROOMS="1") as hotel:
        rooms = [f"1{n:02d}" for n in range(1, 11)]
        for room in rooms:
            hotel.check_in(room, "Guest", f"Number{room}")
        stop = asyncio.Event()
        running = asyncio.create_task(hotel.connector.reconciler.run(stop))
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.wait_for(running, 5)

        left = hotel.connector.store.dirty_rooms()
        assert 0 < len(left) < len(rooms)  # some done, the rest queued and untouched

        await reopen(hotel)
        await hotel.settle()
        assert hotel.connector.store.dirty_rooms() == []
        assert all(hotel.shown_name(r) == f"Guest Number{r} 2{r}" for r in rooms)
