"""Live notices: every console hears what the store committed; a slow one cannot grow memory."""

from __future__ import annotations

import asyncio
import threading

from connector.events.models import CheckIn, Guest
from connector.notices import Notice, Notices
from connector.rooms.desired import fold
from connector.store import Store
from tests.support.fake_clock import FakeClock


async def test_each_subscriber_hears_every_notice_in_order() -> None:
    notices = Notices()
    with notices.subscribe() as desk, notices.subscribe() as tablet:
        notices.rooms_changed(["101", "102"])
        notices.publish(Notice("alert", "305"))
        for screen in (desk, tablet):
            heard = [await asyncio.wait_for(screen.next(), 1) for _ in range(3)]
            assert heard == [Notice("room", "101"), Notice("room", "102"),
                             Notice("alert", "305")]
    assert notices.subscribers == 0


async def test_a_console_that_falls_behind_is_told_to_reload_once() -> None:
    notices = Notices(queue_size=4)
    with notices.subscribe() as slow:
        notices.rooms_changed([str(room) for room in range(100, 200)])  # a checkout rush
        await asyncio.sleep(0)  # let the loop run the hand-overs
        assert await asyncio.wait_for(slow.next(), 1) == Notice("reload")
        notices.rooms_changed(["301"])  # after the reload, notices flow again
        assert await asyncio.wait_for(slow.next(), 1) == Notice("room", "301")


async def test_a_notice_published_from_another_thread_reaches_the_console() -> None:
    notices = Notices()
    with notices.subscribe() as desk:
        thread = threading.Thread(target=notices.rooms_changed, args=(["101"],))
        thread.start()
        thread.join()
        assert await asyncio.wait_for(desk.next(), 1) == Notice("room", "101")


async def test_the_store_announces_a_check_in_after_it_is_committed() -> None:
    with Store(":memory:", clock=FakeClock()) as store, store.notices.subscribe() as desk:
        event = CheckIn(id="pms-1", occurred_at=FakeClock().now(), room="101",
                        reservation="R-1", guests=[Guest(first_name="Ada")])
        store.ingest([event], fold)
        assert await asyncio.wait_for(desk.next(), 1) == Notice("room", "101")
