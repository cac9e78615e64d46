"""The account worker killed -9 midway through a day's deliveries: the worker that takes
over resumes the job under a higher epoch and delivers only to the hotels not yet served."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.account.group_factory import ledger_lines
from tests.account.workers import FakeZoomAccount, build_worker, feed_deliveries
from tests.shared_limiter.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]


async def test_a_worker_killed_mid_job_is_resumed_and_no_hotel_is_served_twice(
        redis_server: RedisServer, tmp_path: Path) -> None:
    ledger = tmp_path / "hotels.jsonl"
    # Hotels are served in order (faro, lisbon, porto): killed as it is about to serve porto.
    child = subprocess.Popen(  # noqa: ASYNC220 - started once, read in a thread
        [sys.executable, "-m", "tests.account.worker_child", redis_server.url, str(ledger),
         "deliver:porto"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert child.stdout is not None
    line = await asyncio.to_thread(child.stdout.readline)
    assert line.strip() == "AT deliver:porto", child.stderr.read() if child.stderr else ""
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert feed_deliveries(ledger_lines(ledger)) == {"faro": 1, "lisbon": 1}

    zoom = FakeZoomAccount()
    worker, redis, client = build_worker(redis_server.url, ledger, "worker-b", zoom=zoom)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop))
    for _ in range(200):
        if "porto" in feed_deliveries(ledger_lines(ledger)):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # time enough to serve anyone twice, if it would
    stop.set()
    await running

    assert feed_deliveries(ledger_lines(ledger)) == {"faro": 1, "lisbon": 1, "porto": 1}
    # The new leader's epoch (2) took the job over from the killed one's (1).
    assert zoom.asked == [(2, "voicemails")]
    await client.aclose()
    await redis.aclose()
