"""OPERA's business events through the businessEvents dequeue, over real HTTP to the
emulated gateway: each batch stored whole before the next request, a full batch read again
at once, a failed store never costing an event, a long outage asking for a resync."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import pytest

from connector.pms.cloud.contract import PmsUnavailable
from connector.pms.ohip.poll import OhipPoll
from connector.sandbox.ohip.event_log import OhipEventLog
from connector.sandbox.ohip.poll_route import poll_routes
from connector.sandbox.ohip.stream_faults import StreamFaults
from tests.ohip import ohip_support as hotel
from tests.ohip.ohip_support import APP_KEY, TOKEN, Sink, check_in, event_log, gateway
from tests.support.fake_clock import FakeClock
from tests.support.waiting import until


class RestClient:
    """What the REST client does for the dequeue: OHIP's headers, the JSON answer."""

    def __init__(self, base: str) -> None:
        self._http = httpx.AsyncClient(base_url=base, headers={
            "authorization": f"Bearer {TOKEN}", "x-app-key": APP_KEY, "x-hotelid": "HOTEL1"})
        self.requests: list[httpx.URL] = []

    async def get_json(self, path: str, params: Mapping[str, str]) -> Any:
        answer = await self._http.get(path, params=dict(params))
        self.requests.append(answer.request.url)
        answer.raise_for_status()
        return answer.json() if answer.status_code != 204 else None

    async def aclose(self) -> None:
        await self._http.aclose()


@pytest.fixture
async def opera() -> AsyncIterator[tuple[OhipEventLog, RestClient]]:
    log = event_log()
    log.subscribe_poller("ZOOMPHONE")
    async with gateway(poll_routes(log, auth=hotel.valid, faults=StreamFaults())) as url:
        client = RestClient(url)
        yield log, client
        await client.aclose()


@contextlib.asynccontextmanager
async def polling(client: Any, sink: Sink, clock: FakeClock) -> AsyncIterator[OhipPoll]:
    poll = OhipPoll(client, hotel.settings("http://unused.example"), clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(poll.run(sink, stop))
    try:
        yield poll
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_a_rush_is_read_in_full_batches_each_stored_in_one_commit(
        opera: tuple[OhipEventLog, RestClient]) -> None:
    log, client = opera
    for n in range(45):
        check_in(log, f"{1000 + n}", f"{100 + n}")
    sink, clock = Sink(), FakeClock()
    async with polling(client, sink, clock) as poll:
        await until(lambda: len(sink.notices) == 45)
        assert poll.status().connected

    assert sink.reservations() == [f"{1000 + n}" for n in range(45)]
    assert sink.commits == 3  # 20, 20, 5: a full batch is read again at once
    assert clock.sleeps[0] == 5  # then every poll_seconds
    path = "/int/v1/externalSystem/ZOOMPHONE/hotels/HOTEL1/businessEvents"
    assert client.requests[0].path == path
    assert client.requests[0].params["limit"] == "20"
    assert sink.notices[0].name == "CHECK IN" and sink.notices[0].key == "ohip:1"


async def test_a_failed_store_offers_the_same_batch_again_before_any_new_request(
        opera: tuple[OhipEventLog, RestClient]) -> None:
    log, client = opera
    check_in(log, "1001", "112")
    check_in(log, "1002", "114")
    sink = Sink()
    sink.fail_next = True  # the disk is full when the first batch arrives
    async with polling(client, sink, FakeClock()):
        await until(lambda: len(sink.notices) == 2)

    assert sink.reservations() == ["1001", "1002"]
    assert sink.offered == ["ohip:1", "ohip:2", "ohip:1", "ohip:2"]
    # The dequeue had handed them out once: only the held batch could bring them back.
    assert log.dequeue("ZOOMPHONE") == []


class DownClient:
    def __init__(self) -> None:
        self.calls = 0

    async def get_json(self, path: str, params: Mapping[str, str]) -> Any:
        self.calls += 1
        raise PmsUnavailable("OHIP answered 503")


async def test_a_long_outage_asks_for_one_resync_and_says_so() -> None:
    sink, clock, client = Sink(), FakeClock(), DownClient()
    async with polling(client, sink, clock) as poll:
        await until(lambda: clock.slept > 1200)
        status = poll.status()

    assert len(sink.gaps) == 1 and "10 minutes" in sink.gaps[0]
    assert not status.connected and "OHIP answered 503" in status.detail
    assert max(clock.sleeps) <= 120


class GarbledClient:
    def __init__(self) -> None:
        self.answers: list[Any] = [{"businessEventData": [{"businessEvent": {}}]}]

    async def get_json(self, path: str, params: Mapping[str, str]) -> Any:
        return self.answers.pop(0) if self.answers else None


async def test_an_unreadable_batch_is_said_and_a_resync_asked_for() -> None:
    sink, clock = Sink(), FakeClock()
    async with polling(GarbledClient(), sink, clock) as poll:
        await until(lambda: len(clock.sleeps) >= 2)
        status = poll.status()

    assert len(sink.gaps) == 1 and "unreadable" in sink.gaps[0]
    assert status.connected and sink.notices == []
