"""An account worker for the failure tests: real Redis, the real election, claims and jobs,
a fake Zoom account listing the group's voicemails, and the fake hotels (group_factory)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from redis.asyncio import Redis

from connector.account.claims import Claims
from connector.account.effects import Effects, PauseHook
from connector.account.election import Election
from connector.account.jobs import Job, VoicemailListingJob
from connector.account.split import Row
from connector.account.worker import AccountWorker
from connector.billing.poll_plan import Window
from connector.clock import SystemClock
from connector.daily_schedule import DailySchedule
from tests.account.group_factory import FEED_SECRET, HOTEL_SECRETS, FakeHotel, group

LEASE = 2.0
MARGIN = 0.5


def voicemail_rows() -> list[Row]:
    left = (datetime.now(ZoneInfo("UTC")) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [{"id": f"vm-{ext}", "date_time": left,
             "owner": {"id": f"user-{ext}", "type": "user", "extension_number": ext}}
            for ext in (101, 202, 303, 404)]


class FakeZoomAccount:
    """Zoom's account-wide listings; `asked` records (epoch, listing) of each page asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, str]] = []

    async def voicemails(self, effects: Effects, begin: datetime, end: datetime) -> list[Row]:
        async def page() -> list[Row]:
            self.asked.append((effects.lead.epoch, "voicemails"))
            return voicemail_rows()
        return await effects.zoom("zoom:list_account_voicemails", page)

    async def calls(self, effects: Effects, window: Window) -> list[Row]:
        async def page() -> list[Row]:
            self.asked.append((effects.lead.epoch, "calls"))
            return [{"call_id": f"call-{ext}", "caller_ext_number": ext,
                     "end_time": window.end.isoformat()} for ext in ("250", "333", "555")]
        return await effects.zoom("zoom:list_account_call_history", page)


def build_worker(redis_url: str, ledger: Path, name: str, *, zoom: FakeZoomAccount,
                 pause: PauseHook | None = None,
                 jobs: Sequence[Job] | None = None,
                 ) -> tuple[AccountWorker, Redis, httpx.AsyncClient]:
    clock = SystemClock()
    redis = Redis.from_url(redis_url, socket_timeout=0.2, socket_connect_timeout=0.2)
    election = Election(redis, account="group", holder=name, lease_seconds=LEASE,
                        margin_seconds=MARGIN, clock=clock, timeout=0.2)
    claims = Claims(redis, account="group", timeout=0.2)
    now = time.time()
    client = httpx.AsyncClient(mounts={
        f"http://{h}.hotels": httpx.ASGITransport(app=FakeHotel(h, ledger, now).app())
        for h in HOTEL_SECRETS})
    if jobs is None:
        jobs = [VoicemailListingJob(group(), zoom, DailySchedule.parse("00:00", ZoneInfo("UTC")),
                                    clock)]
    worker = AccountWorker(election, claims, jobs, client=client,
                           feed_secret=FEED_SECRET, clock=clock, pause=pause,
                           retry_seconds=0.2, tick_seconds=0.05)
    return worker, redis, client


def feed_deliveries(lines: list[dict[str, Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in lines:
        if line["door"] == "feed":
            found[line["hotel"]] = found.get(line["hotel"], 0) + 1
    return found
