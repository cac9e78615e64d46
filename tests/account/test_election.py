"""The account worker's election in a real Redis: one leader at a time, epochs that only
grow, and a leader that steps down when it cannot renew."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from redis.asyncio import Redis

from connector.account.claims import Claims
from connector.account.election import Election, LeadershipLost
from connector.clock import SystemClock
from tests.account.workers import LEASE, MARGIN, FakeZoomAccount, build_worker
from tests.shared_limiter.redis_server import RedisServer
from tests.support.waiting import until


def _election(redis: Redis, holder: str) -> Election:
    return Election(redis, account="group", holder=holder, lease_seconds=LEASE,
                    margin_seconds=MARGIN, clock=SystemClock(), timeout=0.2)


async def test_one_worker_leads_and_the_next_leader_has_a_higher_epoch(
        redis_server: RedisServer) -> None:
    redis = Redis.from_url(redis_server.url)
    first, second = _election(redis, "worker-a"), _election(redis, "worker-b")
    lead = await first.acquire()
    assert lead is not None and lead.epoch == 1
    assert await second.acquire() is None
    # Renewal is a compare-and-set on the holder: b cannot renew a's lease.
    assert await first.renew(lead)
    await first.release(lead)
    taken = await second.acquire()
    assert taken is not None and taken.epoch == 2
    assert not await first.renew(lead)  # a's old leadership stays lost
    await redis.aclose()


async def test_a_stale_epochs_claim_loses_to_the_newer_leaders(redis_server: RedisServer) -> None:
    redis = Redis.from_url(redis_server.url)
    claims = Claims(redis, account="group", timeout=0.2)
    old = await _election(redis, "worker-a").acquire()
    assert old is not None
    await redis.delete("{zhc:group}:account:leader")  # a's lease expired meanwhile
    new = await _election(redis, "worker-b").acquire()
    assert new is not None and new.epoch > old.epoch
    assert await claims.claim(new, "voicemail_listing", "2026-12-08") is not None
    with pytest.raises(LeadershipLost):
        await claims.claim(old, "voicemail_listing", "2026-12-08")
    assert not old.alive()
    await redis.aclose()


async def test_the_leader_steps_down_within_its_lease_when_redis_is_unreachable(
        redis_server: RedisServer, tmp_path: Path) -> None:
    # Leading with nothing to do: only the lease matters here.
    worker, redis, client = build_worker(redis_server.url, tmp_path / "hotels.jsonl",
                                         "worker-a", zoom=FakeZoomAccount(), jobs=[])
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop))
    await until(lambda: worker.leading is not None)
    redis_server.kill()
    lost_at = time.monotonic()
    await until(lambda: worker.leading is None, within=2 * LEASE)
    assert time.monotonic() - lost_at < LEASE
    stop.set()
    await running
    await client.aclose()
    await redis.aclose()
