"""The OHIP emulator's event log: offsets for the stream's replay, a dequeue for polling."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from connector.sandbox.ohip.event_log import Detail, OhipEventLog

AT = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)


def _log() -> OhipEventLog:
    return OhipEventLog(hotel_id="HOTEL1", chain_code="CHAIN")


def test_a_stream_replays_from_the_offset_it_holds() -> None:
    log = _log()
    first = log.append("RESERVATION", "CHECK IN", "1001", [Detail("ROOMNO", None, "112")], at=AT)
    second = log.append("RESERVATION", "CHECK OUT", "1002", at=AT)
    assert (first.offset, second.offset) == (1, 2)
    assert first.unique_event_id != second.unique_event_id
    assert log.after(None) == [first, second]
    assert log.after(1) == [second]
    assert log.after(2) == []


def test_a_polled_event_is_handed_out_once_twenty_at_most() -> None:
    log = _log()
    log.append("RESERVATION", "CHECK IN", "0", at=AT)  # before the subscription: not queued
    log.subscribe_poller("ZOOMPHONE")
    for n in range(25):
        log.append("RESERVATION", "CHECK IN", str(n), at=AT)
    assert len(log.dequeue("ZOOMPHONE")) == 20
    assert [e.primary_key for e in log.dequeue("ZOOMPHONE")] == ["20", "21", "22", "23", "24"]
    assert log.dequeue("ZOOMPHONE") == []
    assert log.dequeue("SOMEONE_ELSE") == []


async def test_a_waiting_stream_wakes_at_the_next_event() -> None:
    log = _log()
    waiter = asyncio.create_task(log.wait_after(0))
    await asyncio.sleep(0)
    assert not waiter.done()
    log.append("FRONT DESK", "CREATE WAKE UP CALL", "1001", at=AT)
    await asyncio.wait_for(waiter, 1)


def test_events_past_retention_can_no_longer_be_replayed() -> None:
    log = _log()
    for n in range(5):
        log.append("RESERVATION", "CHECK IN", str(n), at=AT)
    log.forget_before(4)
    assert log.first_kept_offset == 4
    assert [e.offset for e in log.after(None)] == [4, 5]
    assert [e.offset for e in log.after(1)] == [4, 5]
    assert [e.offset for e in log.after(4)] == [5]


def test_a_late_event_goes_back_to_the_end_of_the_dequeue() -> None:
    log = _log()
    log.subscribe_poller("ZOOMPHONE")
    for n in range(3):
        log.append("RESERVATION", "CHECK IN", str(n), at=AT)
    first, second = log.dequeue("ZOOMPHONE", limit=2)
    log.requeue("ZOOMPHONE", [first])
    assert [e.primary_key for e in log.dequeue("ZOOMPHONE")] == ["2", "0"]
    assert second.primary_key == "1"


async def test_a_stream_behind_the_retention_waits_for_a_new_event_not_spinning() -> None:
    log = OhipEventLog(hotel_id="HOTEL1", chain_code="CHAIN")
    for reservation in ("1001", "1002"):
        log.append("RESERVATION", "CHECK IN", reservation, [], at=AT)
    log.forget_before(log.last_offset + 1)  # OHIP no longer keeps either
    waiting = asyncio.create_task(log.wait_after(1))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # nothing kept after offset 1: it waits
    log.append("RESERVATION", "CHECK OUT", "1001", [], at=AT)
    await asyncio.wait_for(waiting, 1)
    assert [e.event_name for e in log.after(1)] == ["CHECK OUT"]
