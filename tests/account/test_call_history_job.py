"""The account's call history is listed once for every hotel: each hotel gets its own calls,
calls no hotel owns go nowhere, and the next listing starts where this one ended."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from connector.account.jobs import CallHistoryJob
from connector.clock import SystemClock
from tests.account.group_factory import group, ledger_lines
from tests.account.workers import FakeZoomAccount, build_worker
from tests.shared_limiter.redis_server import RedisServer
from tests.support.waiting import until


async def test_each_hotel_gets_its_own_calls_from_one_listing(
        redis_server: RedisServer, tmp_path: Path) -> None:
    ledger = tmp_path / "hotels.jsonl"
    zoom = FakeZoomAccount()
    job = CallHistoryJob(group(), zoom, timedelta(minutes=15), SystemClock())
    worker, redis, client = build_worker(redis_server.url, ledger, "worker-a", zoom=zoom,
                                         jobs=[job])
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop))
    await until(lambda: len(ledger_lines(ledger)) >= 2)
    await asyncio.sleep(0.3)  # not due again for 15 minutes: no second listing
    stop.set()
    await running

    fed = {line["hotel"]: line["body"] for line in ledger_lines(ledger)}
    assert set(fed) == {"porto", "faro"}  # lisbon made no outside call; 555 is nobody's
    assert [row["call_id"] for row in fed["porto"]["rows"]] == ["call-250"]  # type: ignore[index]
    assert [row["call_id"] for row in fed["faro"]["rows"]] == ["call-333"]  # type: ignore[index]
    assert zoom.asked == [(1, "calls")]
    cursor = await redis.hget("{zhc:group}:cursor:call_history", "value")
    assert cursor is not None
    assert cursor.decode() == fed["porto"]["rows"][0]["end_time"]  # type: ignore[index]
    await client.aclose()
    await redis.aclose()
