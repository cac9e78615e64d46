"""Heavy calls on a 200-room check-out morning, with and without the voicemail index
(issue 20 point 4). Figures: docs/benchmarks.md.

    python bench/voicemail_index.py [--rooms 200] [--spread-minutes 1]

The sandbox's demo hotel (240 rooms, the last five of each floor common areas), the first
`--rooms` rooms occupied since yesterday afternoon with two voicemails each; then a morning
of check-outs, one every `--spread-minutes` (0: all at once, a rush), each reconciled before
the next. "before" purges as the connector did without the index (a listing per purge: Medium
per user room, the account's Heavy listing for a common area, shared within a batch);
"after" has Zoom's voicemail webhooks feeding the index, and its nightly sweep (at 03:00, one
account-wide listing) before the morning. Printed: Heavy calls (the daily budget), Medium
listing calls and deletes, from the sandbox's request log, sweep included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.events.models import CheckIn, CheckOut, Guest
from connector.reconcile.voicemail_intake import VoicemailIntake
from connector.reconcile.voicemail_sweep import VoicemailSweep
from connector.sandbox import Sandbox, SandboxConfig
from connector.service import Connector
from connector.settings import load_settings
from connector.web import create_app
from connector.web.routes_zoom import ZoomDoor
from connector.zoom.limiter import Limiters
from connector.zoom.voicemail_events import VOICEMAIL_EVENTS

SECRET_TOKEN = "bench-zoom-app-secret-token"


async def morning(rooms: int, spread: float, index: bool, folder: Path) -> Counter[str]:
    """One hotel's night and check-out morning; the calls it made, by kind."""
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, rate_limits=False))
    room_map = sandbox.hotel.write_room_map(folder / "rooms.csv")
    env = {**sandbox.environment(str(room_map)),
           "CONNECTOR_STORE__PATH": str(folder / "connector.sqlite3"),
           "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0",
           "CONNECTOR_SCHEDULING__DIRECTORY_REFRESH_MINUTES": "10080",
           "CONNECTOR_RECONCILE__VOICEMAIL_WEBHOOKS": "true" if index else "false"}
    with mock.patch.dict(os.environ, env):
        settings = load_settings(_env_file=None)
    registry = CollectorRegistry()
    connector = await Connector.open(
        settings, clock=sandbox.clock, registry=registry,
        transport=httpx.ASGITransport(app=sandbox.app()),
        limiters=Limiters(settings.zoom.plan, settings.zoom.rate_limit_share, sandbox.clock,
                          speedup=1000))
    door = ZoomDoor(SecretStr(SECRET_TOKEN),
                    dict.fromkeys(VOICEMAIL_EVENTS, VoicemailIntake(connector.store)))
    app = create_app(lambda: connector, settings.webhook, clock=sandbox.clock,
                     registry=registry, zoom=door)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://connector") as http, \
                sandbox.webhooks.sending(http):
            if index:
                await sandbox.webhooks.subscribe("http://connector/zoom/events", SECRET_TOKEN)
            return await _night_and_morning(sandbox, connector, rooms, spread, index, registry)
    finally:
        await connector.close()


async def _night_and_morning(sandbox: Sandbox, connector: Connector, rooms: int,
                             spread: float, index: bool,
                             registry: CollectorRegistry) -> Counter[str]:
    occupied = sorted(connector.room_map)[:rooms]
    for room in occupied:
        connector.ingest([CheckIn(id=f"in-{room}", occurred_at=sandbox.clock.now(), room=room,
                                  reservation=f"R{room}", guests=[Guest(last_name="Guest")])])
    await connector.reconciler.drain()
    sandbox.advance(timedelta(hours=2).total_seconds())
    for room in occupied:
        for minutes_ago in (90, 30):
            sandbox.add_voicemail(int(connector.room_map[room]), minutes_ago=minutes_ago)
    await sandbox.webhooks.settled(within=60)
    mark = len(sandbox.log.entries())
    sandbox.advance(timedelta(hours=10).total_seconds())
    if index:
        sweep = VoicemailSweep(
            api=connector.api, store=connector.store, directory=connector.directory,
            purger=connector.purger, at="03:00", tz=ZoneInfo("UTC"), clock=sandbox.clock,
            registry=registry)
        await sweep.run(sandbox.clock.now().date())
    sandbox.advance(timedelta(hours=4).total_seconds())
    for room in occupied:
        connector.ingest([CheckOut(id=f"out-{room}", occurred_at=sandbox.clock.now(),
                                   room=room, reservation=f"R{room}")])
        if spread:
            await connector.reconciler.drain()
            sandbox.advance(spread * 60)
    await connector.reconciler.drain()
    left = sum(1 for vm in sandbox.account.voicemails.values()
               if any(str(o) == str(vm.callee_number) for o in
                      (connector.room_map[r] for r in occupied)))
    calls: Counter[str] = Counter()
    for entry in sandbox.log.entries()[mark:]:
        if entry.status < 300 and entry.category is not None:
            calls[entry.category] += 1
        if entry.endpoint in ("list_user_voicemails", "list_account_voicemails",
                              "delete_voicemail") and entry.status < 300:
            calls[entry.endpoint] += 1
    calls["voicemails_left_behind"] = left
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--spread-minutes", type=float, default=1.0)
    args = parser.parse_args()
    results = {}
    for index in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            results[index] = asyncio.run(morning(args.rooms, args.spread_minutes, index,
                                                 Path(folder)))
    before, after = results[False], results[True]
    heavy = "heavy"
    for name, calls in (("before (listings)", before), ("after (index + sweep)", after)):
        print(f"{name:24} heavy {calls[heavy]:4}  medium listings "
              f"{calls['list_user_voicemails']:4}  account listings "
              f"{calls['list_account_voicemails']:4}  deletes {calls['delete_voicemail']:4}  "
              f"left behind {calls['voicemails_left_behind']}")
    ratio = after[heavy] / before[heavy] if before[heavy] else float("nan")
    print(f"Heavy calls after / before = {after[heavy]} / {before[heavy]} = {ratio:.3f}")
    return 0 if after["voicemails_left_behind"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
