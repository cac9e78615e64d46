"""A leader frozen past its lease (a stopped VM, a long GC pause) and woken acts no more:
the worker that took over with a higher epoch lists and delivers the day's voicemails once."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from tests.account.group_factory import ledger_lines
from tests.account.workers import LEASE, FakeZoomAccount, build_worker, feed_deliveries
from tests.shared_limiter.redis_server import RedisServer
from tests.support.waiting import until


def _frozen_worker(url: str, ledger: Path, zoom: FakeZoomAccount, froze: threading.Event,
                   woke: threading.Event, done: threading.Event) -> None:
    """Worker a in its own thread and event loop; its first delivery freezes the whole loop
    (renewals included, as SIGSTOP would) for twice the lease."""

    async def pause(effect: str) -> None:
        if effect.startswith("deliver:") and not froze.is_set():
            froze.set()
            time.sleep(2 * LEASE)  # noqa: ASYNC251 - the whole loop stops, renewals too
            woke.set()

    async def main() -> None:
        worker, redis, client = build_worker(url, ledger, "worker-a", zoom=zoom, pause=pause)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run_forever(stop))
        await until(woke.is_set, within=4 * LEASE)
        await asyncio.sleep(0.5)  # awake: would it act again?
        stop.set()
        await running
        await client.aclose()
        await redis.aclose()
        done.set()

    asyncio.run(main())


async def test_a_frozen_leader_woken_past_its_deadline_delivers_nothing_more(
        redis_server: RedisServer, tmp_path: Path) -> None:
    ledger = tmp_path / "hotels.jsonl"
    zoom = FakeZoomAccount()
    froze, woke, done = threading.Event(), threading.Event(), threading.Event()
    frozen = threading.Thread(target=_frozen_worker, daemon=True,
                              args=(redis_server.url, ledger, zoom, froze, woke, done))
    frozen.start()
    await until(froze.is_set)
    # Worker b campaigns while a is frozen, and takes over once a's lease expired.
    worker, redis, client = build_worker(redis_server.url, ledger, "worker-b", zoom=zoom)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop))
    await until(done.is_set, within=10 * LEASE)
    stop.set()
    await running
    frozen.join(timeout=10)

    # Each hotel was given the day's listing once, by b; a listed once (epoch 1) and never
    # called Zoom again after waking.
    assert feed_deliveries(ledger_lines(ledger)) == {"faro": 1, "lisbon": 1, "porto": 1}
    assert zoom.asked == [(1, "voicemails"), (2, "voicemails")]
    day = ledger_lines(ledger)[0]["body"]["day"]  # type: ignore[index]
    job = await redis.hgetall(f"{{zhc:group}}:job:voicemail_listing:{day}")
    assert job[b"epoch"] == b"2" and job[b"state"] == b"done"
    await client.aclose()
    await redis.aclose()
