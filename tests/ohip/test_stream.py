"""OPERA's business events over OHIP's streaming API, through a real WebSocket to the
emulated gateway: in order, stored with their offset, resumed after a drop or a crash, one
consumer at a time, renewed within 24 hours."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from connector.pms.ohip.stream import OhipStream, StreamTiming
from connector.sandbox.ohip.event_log import OhipEventLog
from connector.sandbox.ohip.stream_faults import StreamFaults
from connector.sandbox.ohip.stream_server import stream_routes
from tests.ohip import ohip_support as hotel
from tests.ohip.ohip_support import APP_KEY, AT, Sink, check_in, event_log, gateway
from tests.support.fake_clock import FakeClock
from tests.support.waiting import until


@dataclass
class Gateway:
    url: str
    log: OhipEventLog
    faults: StreamFaults
    subscriptions: list[Mapping[str, str]] = field(default_factory=list)


@pytest.fixture
async def ohip() -> AsyncIterator[Gateway]:
    log, faults = event_log(), StreamFaults()
    subscriptions: list[Mapping[str, str]] = []
    routes = stream_routes(log, auth=hotel.valid, faults=faults, app_key=APP_KEY,
                           on_subscribe=subscriptions.append)
    async with gateway(routes) as url:
        yield Gateway(url, log, faults, subscriptions)


@contextlib.asynccontextmanager
async def streaming(ohip: Gateway, sink: Sink, clock: FakeClock) -> AsyncIterator[OhipStream]:
    stream = OhipStream(hotel.settings(ohip.url), hotel.token, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(stream.run(sink, stop))
    try:
        yield stream
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_check_ins_arrive_in_order_each_stored_with_its_offset(ohip: Gateway) -> None:
    sink, clock = Sink(), FakeClock(AT + timedelta(seconds=30))
    async with streaming(ohip, sink, clock) as stream:
        await until(lambda: len(ohip.subscriptions) == 1)
        for reservation, room in (("1001", "112"), ("1002", "114"), ("1003", "201")):
            check_in(ohip.log, reservation, room)
        await until(lambda: len(sink.notices) == 3)

        assert sink.reservations() == ["1001", "1002", "1003"]
        assert [n.name for n in sink.notices] == ["CHECK IN"] * 3
        assert sink.notices[0].key == f"ohip:{ohip.log.after(0)[0].unique_event_id}"
        assert sink.notices[0].body["detail"][0]["newValue"] == "112"
        assert sink.offset() == "3"
        status = stream.status()
        assert status.connected and "offset 3" in status.detail
        assert status.last_notice_at == clock.now()
        assert status.lag_seconds == 30  # OPERA wrote them at 07:00:00, we are at 07:00:30
    # Nothing was stored yet at start: the start's resync holds the state, events follow it.
    assert ohip.subscriptions[0]["offsetType"] == "highest"
    assert ohip.subscriptions[0]["chainCode"] == "CHAIN"


async def test_a_stream_dropped_mid_flow_resumes_from_the_stored_offset(ohip: Gateway) -> None:
    sink = Sink()
    ohip.faults.drop_after = 2
    async with streaming(ohip, sink, FakeClock()):
        await until(lambda: len(ohip.subscriptions) == 1)
        for n in range(5):
            check_in(ohip.log, f"10{n}", f"1{n}")
        await until(lambda: len(sink.notices) == 5)

    assert sink.reservations() == ["100", "101", "102", "103", "104"]
    # OHIP replays from the stored offset inclusive: the second event came twice, kept once.
    assert ohip.subscriptions[1]["offset"] == "2"
    assert sink.offered.count(sink.notices[1].key) == 2
    assert sink.offset() == "5"


async def test_a_crash_before_the_event_was_stored_replays_it(ohip: Gateway) -> None:
    sink = Sink()
    async with streaming(ohip, sink, FakeClock()):
        await until(lambda: len(ohip.subscriptions) == 1)
        check_in(ohip.log, "1001", "112")
        await until(lambda: sink.offset() == "1")
        sink.fail_next = True  # the disk is full when the next check-in arrives
        check_in(ohip.log, "1002", "114")
        await until(lambda: sink.offset() == "2")

    assert sink.reservations() == ["1001", "1002"]
    assert sink.offered.count(sink.notices[1].key) == 2  # refused once, replayed, kept
    assert ohip.subscriptions[1]["offset"] == "1"


async def test_a_second_consumer_waits_and_never_takes_the_stream(
        ohip: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="connector.pms.ohip.stream")
    first_sink, second_sink, second_clock = Sink(), Sink(), FakeClock()
    async with streaming(ohip, first_sink, FakeClock()):
        await until(lambda: len(ohip.subscriptions) == 1)
        async with streaming(ohip, second_sink, second_clock) as second:
            await until(lambda: len([s for s in second_clock.sleeps if s >= 60]) >= 3)
            status = second.status()
        check_in(ohip.log, "1001", "112")
        await until(lambda: len(first_sink.notices) == 1)

    waits = [s for s in second_clock.sleeps if s >= 60]
    assert 90 <= waits[0] <= 120 and waits[1] > waits[0] and waits[2] > waits[1]
    assert not status.connected
    assert "another system is consuming this OHIP stream" in status.detail
    errors = [r for r in caplog.records if "another system is consuming" in r.getMessage()]
    assert len(errors) == 1
    assert APP_KEY not in caplog.text
    assert len(ohip.subscriptions) == 1 and second_sink.notices == []


async def test_the_stream_is_renewed_before_24_hours_from_the_stored_offset(
        ohip: Gateway) -> None:
    sink, clock = Sink(), FakeClock()
    async with streaming(ohip, sink, clock):
        await until(lambda: len(ohip.subscriptions) == 1)
        check_in(ohip.log, "1001", "112")
        await until(lambda: sink.offset() == "1")
        clock.advance(23 * 3600)
        check_in(ohip.log, "1002", "114")
        await until(lambda: len(ohip.subscriptions) == 2)
        check_in(ohip.log, "1003", "116")
        await until(lambda: len(sink.notices) == 3)

    assert ohip.subscriptions[1]["offset"] == "2"
    assert 10.0 in clock.sleeps  # OHIP: 10 s between complete and the next subscribe
    assert sink.reservations() == ["1001", "1002", "1003"]


async def test_an_expired_offset_resumes_from_the_newest_and_asks_for_a_resync(
        ohip: Gateway) -> None:
    for n in range(6):
        check_in(ohip.log, f"100{n}", f"11{n}")
    ohip.log.forget_before(5)  # OHIP keeps about 7 days; the connector was away longer
    sink = Sink()
    sink.stored_offset = "2"
    async with streaming(ohip, sink, FakeClock()) as stream:
        await until(lambda: sink.offset() == "6")
        assert stream.status().connected

    assert len(sink.gaps) == 1 and "offset" in sink.gaps[0]
    assert sink.reservations() == ["1005"]
    assert ohip.subscriptions[-1]["offsetType"] == "highest"


async def test_a_refused_token_is_said_in_words_and_retried_with_growing_waits(
        ohip: Gateway) -> None:
    async def expired() -> str:
        return "an-expired-token"

    clock = FakeClock()
    stream = OhipStream(hotel.settings(ohip.url), expired, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(stream.run(Sink(), stop))
    await until(lambda: len(clock.sleeps) >= 3)
    status = stream.status()
    stop.set()
    await asyncio.wait_for(task, 5)

    assert not status.connected
    assert "refused the token or the application key" in status.detail
    assert "4403" in status.detail
    assert clock.sleeps[0] < clock.sleeps[1] < clock.sleeps[2]
    assert ohip.subscriptions == []


async def test_events_waiting_on_the_socket_are_stored_in_one_commit(ohip: Gateway) -> None:
    for n in range(30):
        check_in(ohip.log, f"{1000 + n}", f"{100 + n}")
    sink = Sink()
    sink.stored_offset = "1"  # back after a restart: 29 events wait at OHIP
    async with streaming(ohip, sink, FakeClock()):
        await until(lambda: sink.offset() == "30")

    assert len(sink.notices) == 30
    assert sink.commits < 30


async def test_stream_management_stays_within_12_requests_a_minute() -> None:
    clock = FakeClock()
    initialised: list[float] = []

    def counting(token: str) -> bool:
        initialised.append(clock.monotonic())
        return hotel.valid(token)

    log = event_log()
    async with gateway(stream_routes(log, auth=counting, faults=StreamFaults())) as url:
        holder_sink = Sink()
        async with streaming(Gateway(url, log, StreamFaults()), holder_sink, FakeClock()):
            await until(lambda: len(initialised) == 1)
            # A second consumer that would retry at once: only the limiter holds it back.
            timing = StreamTiming(conflict_first=0.001, conflict_max=0.001)
            second = OhipStream(hotel.settings(url), hotel.token, clock=clock, timing=timing)
            stop = asyncio.Event()
            task = asyncio.create_task(second.run(Sink(), stop))
            await until(lambda: len(initialised) >= 20)
            stop.set()
            await asyncio.wait_for(task, 5)

    attempts = initialised[1:]  # each: a connection and a subscribe, two requests
    assert all(later - first >= 60 for first, later in zip(attempts, attempts[6:], strict=False))
