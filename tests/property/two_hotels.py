"""Two hotels for one story: each a fresh sandbox (frozen clock, in process over ASGI) and a
fresh connector, and the ways to run them side by side and to read what Zoom shows."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from prometheus_client import CollectorRegistry

from connector.events.models import Event
from connector.rooms.desired import fold
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.clock import SandboxClock
from connector.sandbox.state import CommonArea, User
from connector.service import Connector
from connector.settings import Settings, load_settings
from connector.store import Store
from connector.zoom.limiter import Limiters
from tests.property.stories import (
    ROOMS,
    START,
    Crash,
    Drain,
    Flush,
    LeaveVoicemail,
    Send,
    Story,
    t,
)

PRESENCE_MINUTE = 61  # seconds: past Zoom's one presence update per user per minute
# A drain takes at most a few thousand turns of the event loop here (no real time passes);
# one that spins or waits for ever fails after this many instead of hanging.
DRAIN_TURNS = 50_000

Transport = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


def hotel_settings(folder: Path) -> Settings:
    """The connector's settings for the demo hotel in an in-process sandbox."""
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, start=START))
    room_map = sandbox.hotel.write_room_map(folder / "rooms.csv")
    values = {
        **sandbox.environment(str(room_map)),  # the OAuth host is http://zoom.sandbox
        "CONNECTOR_STORE__PATH": str(folder / "unused.sqlite3"),  # each hotel gets :memory:
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0",
        "CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS": "0.1",
        "CONNECTOR_ROOMS__DEPARTMENT": "status",
        "CONNECTOR_HOTEL__TIMEZONE": "America/New_York",
        # The directory outlives the story and the day after (reloading it is not the point).
        "CONNECTOR_SCHEDULING__DIRECTORY_REFRESH_MINUTES": "1440",
    }
    with mock.patch.dict(os.environ, values):
        return load_settings(_env_file=None)


@dataclass
class Hotel:
    sandbox: Sandbox
    connector: Connector
    # Every voicemail our rooms ever had: id → (room, when it was left).
    voicemails: dict[str, tuple[str, datetime]]
    # Starts a connector on a store (the service process; the store is its database).
    start: Callable[[Store], Awaitable[Connector]]
    crashed_mid_drain: int = 0

    @property
    def clock(self) -> SandboxClock:
        return self.sandbox.clock

    def leave_voicemail(self, room: str, at: datetime) -> None:
        vm = self.sandbox.add_voicemail(_extension(room))
        vm.date_time = at  # exactly the story's time, on both sides
        self.voicemails[vm.id] = (room, at)

    async def drain(self) -> None:
        draining = asyncio.ensure_future(self.connector.reconciler.drain())
        for _ in range(DRAIN_TURNS):
            if draining.done():
                return draining.result()
            await asyncio.sleep(0)
        draining.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await draining
        raise AssertionError(
            f"drain() did not return within {DRAIN_TURNS} event-loop turns (it waits for "
            f"something that never comes, or spins); due rooms: "
            f"{self.connector.reconciler.due_rooms()}")

    async def crash(self, after_turns: int) -> None:
        """The process dies `after_turns` event-loop turns into a drain, with whatever calls
        it had in flight, and starts again on the same database."""
        draining = asyncio.ensure_future(self.connector.reconciler.drain())
        for _ in range(after_turns):
            await asyncio.sleep(0)
        self.crashed_mid_drain += not draining.done()
        others = asyncio.all_tasks() - {asyncio.current_task()}  # all of it is this process
        for task in others:
            task.cancel()
        await asyncio.gather(draining, *others, return_exceptions=True)
        store = self.connector.store
        await self.connector.client.close()  # not close(): the database outlives the process
        self.connector = await self.start(store)

    async def quiet(self) -> bool:
        """Nothing dirty, and Zoom needs nothing for any room as of now."""
        if self.connector.store.dirty_rooms():
            return False
        for room in self.connector.store.all_rooms():
            _, plan, _ = await self.connector.reconciler.plan_room(room)
            if plan.changes:
                return False
        return True


class SlowZoom(httpx.AsyncBaseTransport):
    """Each answer delayed by a random number of event-loop turns (no real time passes and
    the sandbox clock does not move): rooms worked in parallel finish in varied orders."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seed: int) -> None:
        self._inner = inner
        self._turns = random.Random(seed) if seed else None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(self._turns.randint(0, 30) if self._turns else 0):
            await asyncio.sleep(0)
        return await self._inner.handle_async_request(request)


@asynccontextmanager
async def open_hotel(
    settings: Settings, story: Story, *, latency_seed: int = 0,
    store: Callable[[Sandbox], Store] | None = None, transport: Transport | None = None,
) -> AsyncIterator[Hotel]:
    """A fresh sandbox with the story's old voicemail, and a connector on `store` (default:
    an empty one in memory) talking to it through `transport` (default: SlowZoom)."""
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, start=START, rate_limits=False))
    voicemails: dict[str, tuple[str, datetime]] = {}
    for room, minutes in story.old_voicemail:
        vm = sandbox.add_voicemail(_extension(room), minutes_ago=minutes)
        voicemails[vm.id] = (room, vm.date_time)
    owners = {sandbox.owner(_extension(room)).id: room for room in ROOMS}
    for vm in sandbox.account.voicemails.values():  # the demo hotel's own messages
        if vm.owner_id in owners:
            voicemails.setdefault(vm.id, (owners[vm.owner_id], vm.date_time))
    zoom = httpx.ASGITransport(app=sandbox.app())

    async def start(database: Store) -> Connector:
        return await Connector.open(
            settings, clock=sandbox.clock,
            transport=transport(zoom) if transport else SlowZoom(zoom, latency_seed),
            registry=CollectorRegistry(), store=database,
            # Rate limits are not what this property is about, and the client's buckets run
            # on real time: pace for a sandbox without limits, or each example would crawl.
            limiters=Limiters(settings.zoom.plan, settings.zoom.rate_limit_share,
                              sandbox.clock, speedup=1000),
        )

    hotel = Hotel(sandbox, await start(
        store(sandbox) if store else Store(":memory:", clock=sandbox.clock)), voicemails, start)
    try:
        yield hotel
    finally:
        await hotel.connector.close()


def _extension(room: str) -> int:
    return 2000 + int(room)  # the demo hotel's numbering below the eighth floor


async def play_as_it_happens(hotel: Hotel, story: Story) -> None:
    """Hotel A: batches, drains and voicemails as the story says, the clock moving along."""
    batch: list[Event] = []

    def flush() -> None:
        if batch:
            hotel.clock.advance_to(max(e.occurred_at for e in batch))
            hotel.connector.ingest(list(batch))
            batch.clear()

    for step in story.steps:
        match step:
            case Send(event=event):
                batch.append(event)
            case Flush():
                flush()
            case Drain():
                flush()
                await hotel.drain()
            case LeaveVoicemail(room=room, at=at):
                hotel.clock.advance_to(at)
                hotel.leave_voicemail(room, at)
            case Crash(after_turns=turns):
                flush()
                await hotel.crash(turns)
    flush()
    await hotel.drain()


def told_at_the_end(story: Story) -> Callable[[Sandbox], Store]:
    """Hotel B's store: at the end of the story, every event folded, nothing sent to Zoom
    (what a connector restarted after a long outage finds)."""

    def make(sandbox: Sandbox) -> Store:
        sandbox.clock.advance_to(story.end)
        store = Store(":memory:", clock=sandbox.clock)
        store.ingest(story.events, fold)
        return store

    return make


def _same_time(a: Hotel, b: Hotel) -> datetime:
    now = max(a.clock.now(), b.clock.now())
    a.clock.advance_to(now)
    b.clock.advance_to(now)
    return now


async def settle_together(a: Hotel, b: Hotel) -> None:
    """Drain both until neither needs anything at the same sandbox time, moving past Zoom's
    presence minute between rounds."""
    for _ in range(50):
        await a.drain()
        await b.drain()
        _same_time(a, b)
        if await a.quiet() and await b.quiet():
            return
        a.clock.advance(PRESENCE_MINUTE)
        b.clock.advance(PRESENCE_MINUTE)
    raise AssertionError("the hotels never settled")


async def run_both_until(a: Hotel, b: Hotel, until: datetime) -> None:
    """Both connectors as their service loops would run them until `until`: sleep until some
    room is due (a DND to re-assert or that ends, a deferred presence update), work it."""
    for _ in range(1000):
        await a.drain()
        await b.drain()
        now = _same_time(a, b)
        waits = [w for h in (a, b) if (w := h.connector.reconciler.next_due_in()) is not None]
        if not waits or now + timedelta(seconds=min(waits)) > until:
            a.clock.advance_to(until)
            b.clock.advance_to(until)
            return
        a.clock.advance(max(min(waits), 0.001))
    raise AssertionError(f"rooms kept coming due before {t(until)}")


def zoom_view(hotel: Hotel, country: str) -> dict[str, dict[str, object]]:
    """Per room phone (every one in the account): what the guest and the front desk see."""
    now = hotel.clock.now()
    account = hotel.sandbox.account
    view: dict[str, dict[str, object]] = {}
    owners: list[User | CommonArea] = [*account.users.values(), *account.common_areas.values()]
    for owner in owners:
        if isinstance(owner, User):
            if owner.phone is None:
                continue
            key = f"user {owner.phone.extension_number}"
            policy = owner.phone.policy
            shown: dict[str, object] = {
                "names": (owner.first_name, owner.last_name, owner.display_name),
                "dept": (owner.dept, owner.phone.department),
                "presence": owner.presence.at(now),
            }
        else:
            key = f"common area {owner.extension_number}"
            policy = owner.policy
            shown = {"names": owner.display_name, "dept": owner.department}
        shown["international"] = policy.international_calling
        shown["home country rule"] = policy.country_rules.get(country)
        shown["voicemails"] = sorted(
            t(vm.date_time) for vm in account.voicemails.values() if vm.owner_id == owner.id)
        view[key] = shown
    return view


def raw_zoom(hotel: Hotel) -> dict[str, Any]:
    """Everything the sandbox holds about the story's rooms, and every message id, for
    'nothing changed' (down to when presence was last set)."""
    return {
        **{room: dataclasses.asdict(hotel.sandbox.owner(_extension(room))) for room in ROOMS},
        "voicemails": sorted(hotel.sandbox.account.voicemails),
    }


def assert_voicemail_follows_desired_state(hotel: Hotel, label: str) -> None:
    """A message left before the room's `no_voicemail_before` is gone; any other stays."""
    remaining = set(hotel.sandbox.account.voicemails)
    for vm_id, (room, left_at) in hotel.voicemails.items():
        state = hotel.connector.store.room(room)
        cutoff = state.no_voicemail_before if state else None
        should_go = cutoff is not None and left_at < cutoff
        assert (vm_id in remaining) is not should_go, (
            f"hotel {label}, room {room}: a voicemail left at {t(left_at)} should "
            f"{'be gone' if should_go else 'still be there'} (no voicemail before "
            f"{t(cutoff) if cutoff else '-'})")


def journal(hotel: Hotel) -> list[str]:
    """What the connector did, oldest first, one line a change."""
    entries = reversed(hotel.connector.store.journal_entries(limit=1000))
    return [f"{e.room} {t(e.at)} {e.change} {list(e.event_ids)}" for e in entries]
