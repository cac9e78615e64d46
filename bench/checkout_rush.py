"""Checkout rush: a 1,000-room hotel, every guest checks out and a new one checks in within
seconds, against the Zoom sandbox over real HTTP. How close does the connector get to the
fastest the rate limits allow, with how many calls, losing and doubling nothing?

    python bench/checkout_rush.py [--plan pro|business] [--profile] [--speedup K] ...

Exits 0 when the goals below are met, 1 otherwise; the last line is the verdict. Figures and
how to read them: docs/benchmarks.md.

Setup. The sandbox's demo hotel, sized floors x rooms per floor (last five rooms of a floor
are common areas; numbering in `connector/sandbox/demo_hotel.py`), with its seeded voicemails
(about one room in eight, dated up to 20 days back). Every room is first occupied: one
check-in per room, dated 21 days ago (before every voicemail, so they survive the seeding),
reconciled to the end at `--seed-speedup` (not measured); then the connector restarts on the
same store at the measured speed, as after a deploy. The demo's next-to-last room of each
floor has Zoom's outbound calling policy switched off, so restriction calls on it always fail
(a scenario test covers that); the benchmark switches it on, or those rooms would never
converge.

Measured. One check-out per room, then one check-in per room (a new guest), ingested in
batches (`--batch`, 50) spread over `--arrival` seconds (2), while the reconciler runs, until
the store has no dirty room and the sandbox has been quiet for a moment.

Time compression. `--speedup k` multiplies every per-second limit of the sandbox (Zoom's
limits x k, daily caps unchanged) and of the connector (`Limiters(..., speedup=k)`, the same
share x Zoom's limits, x k), and divides the workload's own time constants by k (the arrival
window and the reconciler's settle time). Every time printed is real seconds x k: the
unscaled hotel's time. Request latency and the event loop are not compressed, so a high k
is pessimistic.

CPU per event. The sandbox is served from its own thread and event loop, so the connector's
CPU is this thread's CPU time over the rush (ingest, reconciler, Zoom client, store), less
what the benchmark spent polling the store to see whether the rush is over; divided by the
events. Compare it across hotel sizes: it should not grow with the number of rooms.

The lower bound. Zoom limits each (family, category) separately and they run in parallel, so
for the calls the connector made the run cannot be shorter than

    bound = max over (family, category) of  calls(family, category) / rate(family, category)

where rate = share x Zoom's per-second limit for the plan (what the connector allows itself).
The goal is achieved time (first event in -> last Zoom call answered) <= 1.10 x bound.

Lost or doubled (goal 0). Every event's status in the store is "applied"; every room ends with
its new guest's name and an occupied room's outbound rules; every voicemail left before the
rush is gone and was deleted exactly once; no write repeats the previous write to the same
Zoom resource (same method, path and body: an effect applied twice).

One event at a time. What a translator that turns each event into a fixed list of calls would
send, counted from these events and this hotel:
  check-out: rename; clear DND (users); list the room's voicemail (users: 1 Medium call per
             100 messages; common areas: the account listing, Heavy, 1 call per 300 messages
             on the account); delete each message; 2 restriction calls (international,
             home country)
  check-in:  rename; list the room's voicemail (as above); delete each message left before
             the stay (none: the check-out just purged them); 2 restriction calls
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from prometheus_client import CollectorRegistry

from connector.events.models import CheckIn, CheckOut, Event, Guest
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.requestlog import LoggedRequest
from connector.sandbox.server import SandboxServer
from connector.sandbox.state import CommonArea, User
from connector.service import Connector
from connector.settings import Settings, load_settings
from connector.settings.model import Plan
from connector.zoom.catalogue import BY_NAME, Category, Family
from connector.zoom.limiter import Limiters
from connector.zoom.rate_tables import daily_budget, limit_for

GOAL_RATIO = 1.10
SEED_DAYS_AGO = 21  # the demo's voicemails go back 20 days; the first guests came before
USER_VM_PAGE = 100  # GET /phone/users/{id}/voice_mails returns at most 100 a page
ACCOUNT_VM_PAGE = 300  # GET /phone/voice_mails: 300 a page
FIRST = ("Ana", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiro", "Ines",
         "José", "Kwame", "Léa", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa",
         "Sven", "Tomás")
LAST = ("Lima", "Åberg", "Dubois", "Ivanov", "Kim", "Haddad", "Rossi", "Sato", "Moreau",
        "García", "Mensah", "Martin", "Silva", "Nowak", "Berg", "Patel", "Roux", "Costa",
        "Olsen", "Núñez")


# -- what went over the wire -------------------------------------------------------------


@dataclass
class Write:
    method: str
    path: str
    body: bytes
    status: int


@dataclass
class WriteRecorder:
    """ASGI wrapper around the sandbox: keeps every write's body (the request log has none)."""

    app: Any
    writes: list[Write] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        status = [0]

        async def receive_and_keep() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        async def send_and_note(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await self.app(scope, receive_and_keep, send_and_note)
        self.writes.append(Write(scope["method"], scope["path"], b"".join(chunks), status[0]))


@contextlib.contextmanager
def sandbox_thread(sandbox: Sandbox, app: Any) -> Iterator[None]:
    """Serve the sandbox from its own thread and event loop, so that this thread's CPU time
    is the connector's alone (Zoom's side, uvicorn and the emulator, runs over there)."""
    ready = threading.Event()
    failed: list[BaseException] = []
    loop_and_stop: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    async def serve() -> None:
        stop = asyncio.Event()
        async with SandboxServer(sandbox, app=app):
            loop_and_stop.append((asyncio.get_running_loop(), stop))
            ready.set()
            await stop.wait()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported by the main thread
            failed.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=run, name="zoom-sandbox", daemon=True)
    thread.start()
    ready.wait()
    if failed:
        raise failed[0]
    try:
        yield
    finally:
        loop, stop = loop_and_stop[0]
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)


# -- the hotel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    room: str
    extension: int
    kind: str  # "user" or "common_area"
    zoom_id: str


def hotel_rooms(sandbox: Sandbox) -> list[Room]:
    """Rooms of the map that Zoom has (the map also lists two it does not)."""
    rooms = []
    for entry in sandbox.hotel.rooms:
        owner = sandbox.account.owner_of_extension(entry.extension)
        if owner is None:
            continue
        kind = "user" if isinstance(owner, User) else "common_area"
        rooms.append(Room(entry.room, entry.extension, kind, owner.id))
    return rooms


def guest(i: int) -> Guest:
    return Guest(first_name=FIRST[i % len(FIRST)], last_name=LAST[(i // len(FIRST)) % len(LAST)])


def settings_for(sandbox: Sandbox, workdir: Path, *, settle: float, parallel: int,
                 share: float) -> Settings:
    room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
    values = {
        **sandbox.environment(str(room_map)),
        "CONNECTOR_ZOOM__RATE_LIMIT_SHARE": str(share),
        "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": str(settle),
        "CONNECTOR_RECONCILE__PARALLEL_ROOMS": str(parallel),
    }
    with mock.patch.dict(os.environ, values):
        return load_settings(_env_file=None)


def scale_sandbox_limits(sandbox: Sandbox, plan: Plan, speedup: float) -> None:
    for family in Family:
        for category in Category:
            zoom = limit_for(family, category, plan).requests
            sandbox.limiter.set_limit(family, category, math.floor(zoom * speedup))


@dataclass
class Sample:
    at: float  # sandbox monotonic
    dirty: int
    in_work: int  # rooms with a pass running or waiting for a parallel slot


@dataclass
class Watching:
    """CPU seconds this thread spent watching the run (polling the store for dirty rooms
    and sampling), not the connector's work: taken off the connector's CPU."""

    cpu: float = 0.0


async def converge(connector: Connector, sandbox: Sandbox, *, quiet: float, give_up_after: float,
                   feed: Callable[[], Awaitable[None]] | None = None,
                   samples: list[Sample] | None = None, watching: Watching | None = None) -> bool:
    """Run the reconciler (feeding events meanwhile) until no room is dirty and the sandbox
    has answered nothing for `quiet` real seconds. False on timeout."""
    watching = watching or Watching()
    stop = asyncio.Event()
    runner = asyncio.create_task(connector.reconciler.run(stop))
    feeder = asyncio.ensure_future(feed()) if feed is not None else None
    deadline = time.monotonic() + give_up_after
    ok = False
    try:
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            cpu = time.thread_time()
            try:
                if _done(connector, sandbox, quiet, feeder, samples):
                    ok = True
                    break
            finally:
                watching.cpu += time.thread_time() - cpu
    finally:
        stop.set()
        if feeder is not None:
            await feeder
        try:
            await asyncio.wait_for(runner, timeout=5.0)
        except TimeoutError:  # a room stuck in a pass: report, do not hang
            ok = False
    return ok


def _done(connector: Connector, sandbox: Sandbox, quiet: float,
          feeder: asyncio.Future[None] | None, samples: list[Sample] | None) -> bool:
    if samples is not None:
        # Diagnostics only: the reconciler keeps no public count of its passes.
        running = getattr(connector.reconciler, "_running", {})
        samples.append(Sample(sandbox.clock.monotonic(), connector.store.counts().dirty,
                              len(running)))
    if feeder is not None and not feeder.done():
        return False
    if connector.store.counts().dirty:
        return False
    entries = sandbox.log.entries()
    last = entries[-1].monotonic if entries else 0.0
    return sandbox.clock.monotonic() - last >= quiet


# -- the report --------------------------------------------------------------------------

_ID_IN_PATH = re.compile(r"^/v2/(?:users|phone/users|phone/common_areas)/([^/]+)")
_VM_IN_PATH = re.compile(r"^/v2/phone/voice_mails/([^/]+)$")


def one_event_at_a_time(events: Iterable[Event], rooms: dict[str, Room],
                        voicemails_before: dict[str, int], account_voicemails: int) -> Counter[str]:
    """The calls of a translator that sends a fixed list of calls per event (module doc)."""
    calls: Counter[str] = Counter()
    left = dict(voicemails_before)
    for event in events:
        room = rooms[event.room]  # type: ignore[union-attr]
        user = room.kind == "user"
        calls["update_user" if user else "update_common_area"] += 1
        if isinstance(event, CheckOut) and user:
            calls["set_presence"] += 1
        n = left.get(room.room, 0)
        if user:
            calls["list_user_voicemails"] += max(1, math.ceil(n / USER_VM_PAGE))
        else:
            calls["list_account_voicemails"] += max(1, math.ceil(account_voicemails /
                                                                  ACCOUNT_VM_PAGE))
        calls["delete_voicemail"] += n
        account_voicemails -= n
        left[room.room] = 0
        calls["update_phone_user" if user else "update_common_area"] += 1  # international
        calls["update_user_outbound_countries" if user
              else "update_common_area_outbound_countries"] += 1  # home country
    return calls


def family_category(name: str) -> tuple[Family, Category]:
    ep = BY_NAME[name]
    return ep.family, ep.category


def fmt_endpoint(name: str) -> str:
    ep = BY_NAME[name]
    return f"{ep.method} {ep.path}"


def print_calls(title: str, calls: Counter[str], events: int) -> None:
    print(title)
    print(f"  {'endpoint':<78}{'category':<16}{'calls':>7}{'per event':>11}")
    for name, n in sorted(calls.items(), key=lambda kv: (-kv[1], kv[0])):
        fam, cat = family_category(name)
        print(f"  {fmt_endpoint(name):<78}{fam.value + '/' + cat.value:<16}{n:>7}"
              f"{n / events:>11.3f}")
    total = sum(calls.values())
    print(f"  {'total':<94}{total:>7}{total / events:>11.3f}")


def print_profile(connector: Connector, log: list[LoggedRequest], samples: list[Sample],
                  start: float, end: float, k: float,
                  rates: dict[tuple[Family, Category], float]) -> None:
    """Where the time went: each category's use of its rate over the run, the rooms in work,
    the gaps between calls and how long calls queued at their limiter (no queue and long
    gaps: the category starved; a queue and gaps at the spacing: it ran at its limit)."""
    buckets = 20
    width = max(1e-9, (end - start) / buckets)
    keys = sorted(rates, key=lambda key: -rates[key])
    used: dict[tuple[Family, Category], Counter[int]] = {key: Counter() for key in keys}
    for e in log:
        if e.family and e.category:
            index = min(buckets - 1, int((e.monotonic - start) / width))
            used[(Family(e.family), Category(e.category))][index] += 1
    print(f"\nprofile: use of each category's rate per {width * k:.1f} s slice; dirty rooms, "
          "and rooms with a pass running or waiting for a slot, at the slice's start")
    print("  " + f"{'t (s)':>7}" + "".join(f"{f.value + '/' + c.value:>14}" for f, c in keys)
          + f"{'dirty':>8}{'in work':>9}")
    for i in range(buckets):
        t = start + i * width
        sample = next((smp for smp in samples if smp.at >= t), samples[-1] if samples else None)
        cells = "".join(f"{used[key][i] / (rates[key] * k * width):>14.0%}" for key in keys)
        print(f"  {i * width * k:>7.1f}{cells}{sample.dirty if sample else 0:>8}"
              f"{sample.in_work if sample else 0:>9}")
    print("  gaps between calls (unscaled ms): our rate's spacing, median, 90th percentile; "
          "idle = time in gaps over twice the spacing")
    for key in keys:
        stamps = sorted(e.monotonic for e in log if (e.family, e.category) ==
                        (key[0].value, key[1].value))
        gaps = sorted((b - a) * k for a, b in itertools.pairwise(stamps))
        if len(gaps) < 10:
            continue
        spacing = 1 / rates[key]
        idle = sum(g - spacing for g in gaps if g > 2 * spacing)
        print(f"    {key[0].value}/{key[1].value}: {spacing * 1000:.1f}, "
              f"{gaps[len(gaps) // 2] * 1000:.1f}, {gaps[len(gaps) * 9 // 10] * 1000:.1f}; "
              f"idle {idle:.1f} s")
    waits: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for metric in connector.client.metrics.limiter_wait.collect():
        for smp in metric.samples:
            label = (smp.labels.get("family", ""), smp.labels.get("category", ""))
            if smp.name.endswith("_sum"):
                waits[label][0] += smp.value
            elif smp.name.endswith("_count"):
                waits[label][1] += smp.value
    print("  mean wait at the limiter (unscaled s; the rush and the start-up listings): "
          + ", ".join(
        f"{f}/{c} {total / n * k:.2f}" for (f, c), (total, n) in sorted(waits.items()) if n))


# -- the run -----------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> int:
    k, plan = args.speedup, Plan(args.plan)
    sandbox = Sandbox(SandboxConfig(plan=plan, floors=args.floors,
                                    rooms_per_floor=args.rooms_per_floor))
    rooms = hotel_rooms(sandbox)
    for area in sandbox.account.common_areas.values():
        area.policy.outbound_calling_enabled = True  # see the module docstring
    recorder = WriteRecorder(sandbox.app())
    workdir = Path(tempfile.mkdtemp(prefix="checkout-rush-", dir=args.store_dir))
    print(f"checkout rush: {len(rooms)} rooms ({sum(r.kind == 'user' for r in rooms)} users, "
          f"{sum(r.kind == 'common_area' for r in rooms)} common areas), plan={plan.value}, "
          f"share={args.share}, speedup x{k:g}"
          + (f" (times below are unscaled: real x {k:g})" if k != 1 else " (unscaled)"))
    print(f"settle {args.settle:g} s, parallel rooms {args.parallel}, "
          f"batches of {args.batch} over {args.arrival:g} s\n")

    try:
        return await _measure(args, sandbox, recorder, rooms, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _measure(args: argparse.Namespace, sandbox: Sandbox, recorder: WriteRecorder,
                   rooms: list[Room], workdir: Path) -> int:
    k, plan = args.speedup, Plan(args.plan)
    with sandbox_thread(sandbox, recorder):
        settings = settings_for(sandbox, workdir, settle=args.settle / k,
                                parallel=args.parallel, share=args.share)

        async def open_connector(speedup: float) -> Connector:
            scale_sandbox_limits(sandbox, plan, speedup)
            return await Connector.open(
                settings, clock=sandbox.clock, registry=CollectorRegistry(),
                limiters=Limiters(plan, args.share, sandbox.clock, speedup=speedup))

        # 1. Every room occupied, at `--seed-speedup` (not measured); then the connector
        #    restarts on the same store at the measured speed.
        connector = await open_connector(args.seed_speedup)
        try:
            seeded = await seed_hotel(args, sandbox, connector, rooms)
        finally:
            await connector.close()
        if not seeded:
            return 1
        connector = await open_connector(k)
        try:
            return await _run(args, sandbox, recorder, connector, rooms)
        finally:
            await connector.close()


async def seed_hotel(args: argparse.Namespace, sandbox: Sandbox, connector: Connector,
                     rooms: list[Room]) -> bool:
    t0 = time.monotonic()
    seeded_at = sandbox.clock.now() - timedelta(days=SEED_DAYS_AGO)
    seed = [CheckIn(id=f"seed-{r.room}", occurred_at=seeded_at, room=r.room,
                    reservation=f"S{r.room}", guests=[guest(i + 7)])
            for i, r in enumerate(rooms)]
    for i in range(0, len(seed), 200):
        connector.ingest(seed[i:i + 200])
    if not await converge(connector, sandbox, quiet=0.2, give_up_after=args.timeout):
        print("VERDICT: FAIL - the hotel never got occupied (seeding did not converge)")
        return False
    seed_429 = sum(1 for e in sandbox.log if e.status == 429)
    print(f"seeded: {len(seed)} check-ins converged in {time.monotonic() - t0:.1f} s real at "
          f"x{args.seed_speedup:g} ({seed_429} 429s)")
    return True


async def _run(args: argparse.Namespace, sandbox: Sandbox, recorder: WriteRecorder,
               connector: Connector, rooms: list[Room]) -> int:
    k, plan, share = args.speedup, Plan(args.plan), args.share
    now = sandbox.clock.now
    by_room = {r.room: r for r in rooms}

    # What Zoom holds before the rush.
    owner_room = {r.zoom_id: r.room for r in rooms}
    vm_before: dict[str, list[str]] = defaultdict(list)
    other_vms = set()
    for vm in sandbox.account.voicemails.values():
        if vm.owner_id in owner_room:
            vm_before[owner_room[vm.owner_id]].append(vm.id)
        else:
            other_vms.add(vm.id)
    account_vms = len(sandbox.account.voicemails)
    room_vms = sum(len(v) for v in vm_before.values())
    print(f"before the rush: {room_vms} voicemails on {len(vm_before)} rooms "
          f"({len(other_vms)} more on staff and line users)\n")

    # 2. The rush (measured).
    sandbox.log.clear()
    recorder.writes.clear()
    stamp = now()
    outs = [CheckOut(id=f"out-{r.room}", occurred_at=stamp, room=r.room,
                     reservation=f"S{r.room}") for r in rooms]
    ins = [CheckIn(id=f"in-{r.room}", occurred_at=stamp, room=r.room,
                   reservation=f"N{r.room}", guests=[guest(i)]) for i, r in enumerate(rooms)]
    events: list[Event] = [*outs, *ins]
    batches = [events[i:i + args.batch] for i in range(0, len(events), args.batch)]
    gap = args.arrival / k / max(1, len(batches) - 1)

    async def feed() -> None:
        for i, batch in enumerate(batches):
            if i:
                await asyncio.sleep(gap)
            # The PMS's time for each event is when it arrives.
            at = now()
            connector.ingest([e.model_copy(update={"occurred_at": at}) for e in batch])

    start = sandbox.clock.monotonic()
    real_start = time.monotonic()
    samples: list[Sample] = []
    watching = Watching()
    cpu_start = time.thread_time()
    converged = await converge(connector, sandbox, quiet=max(0.3, 2.0 / k),
                               give_up_after=args.timeout, feed=feed, samples=samples,
                               watching=watching)
    connector_cpu = time.thread_time() - cpu_start - watching.cpu
    log = [e for e in sandbox.log if e.endpoint != "oauth_token"]
    end = max((e.monotonic for e in log), default=start)
    achieved = (end - start) * k
    print(f"rush: {len(events)} events in {len(batches)} batches; "
          f"{'converged' if converged else 'DID NOT CONVERGE'} after "
          f"{time.monotonic() - real_start:.1f} s real\n")

    # -- calls ---------------------------------------------------------------------------
    made: Counter[str] = Counter(e.endpoint for e in log if e.endpoint)
    print_calls("calls made, by endpoint:", made, len(events))

    rates: dict[tuple[Family, Category], float] = {}
    print("\nlower bound, per (family, category): seconds = calls / (share x Zoom's limit)")
    print(f"  {'family/category':<18}{'limit/s':>8}{'ours/s':>8}{'calls':>7}{'seconds':>9}"
          f"{'busy':>7}")
    by_cat: Counter[tuple[Family, Category]] = Counter()
    for name, n in made.items():
        by_cat[family_category(name)] += n
    seconds: dict[tuple[Family, Category], float] = {}
    for (fam, cat), n in sorted(by_cat.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value)):
        limit = limit_for(fam, cat, plan)
        rate = limit.per_second * share
        rates[(fam, cat)] = rate
        seconds[(fam, cat)] = n / rate
        busy = seconds[(fam, cat)] / achieved if achieved else 0.0
        print(f"  {fam.value + '/' + cat.value:<18}{limit.per_second:>8.2f}{rate:>8.2f}{n:>7}"
              f"{seconds[(fam, cat)]:>9.1f}{busy:>7.0%}")
    bound_key = max(seconds, key=lambda key: seconds[key])
    bound = seconds[bound_key]
    ratio = achieved / bound if bound else float("inf")
    heavy = sum(n for (fam, cat), n in by_cat.items() if cat is Category.HEAVY
                and fam is Family.PHONE)
    budget = daily_budget(Family.PHONE, plan)
    print(f"  bound = max(...) = {bound:.1f} s ({bound_key[0].value}/{bound_key[1].value})")
    print(f"  Heavy daily budget (phone, {plan.value}): {heavy} calls = "
          f"{heavy / budget:.2%} of Zoom's {budget:,}/day, "
          f"{heavy / (budget * share):.2%} of our share")
    print(f"\nachieved: {achieved:.1f} s = {ratio:.3f} x the bound (goal <= {GOAL_RATIO})")

    print(f"connector CPU: {connector_cpu:.2f} s for {len(events)} events = "
          f"{connector_cpu / len(events) * 1000:.2f} ms per event (its thread; the sandbox "
          f"runs in another; {watching.cpu:.2f} s of the benchmark's polling taken off)")

    if args.profile:
        print_profile(connector, log, samples, start, end, k, rates)

    # -- 429s ----------------------------------------------------------------------------
    too_many = [e for e in log if e.status == 429]
    print(f"429s received: {len(too_many)}"
          + (f" ({dict(Counter(e.endpoint for e in too_many))})" if too_many else ""))

    # -- lost or applied twice -----------------------------------------------------------
    problems = check_outcome(connector, sandbox, recorder, events, rooms, by_room, vm_before,
                             other_vms, ins)
    lost = [p for p in problems if p.startswith("lost")]
    twice = [p for p in problems if p.startswith("twice")]
    wrong = [p for p in problems if not p.startswith(("lost", "twice"))]
    print(f"events lost: {len(lost)}; applied twice: {len(twice)}; rooms in the wrong final "
          f"state: {len(wrong)}")
    for problem in problems[:15]:
        print(f"  - {problem}")

    # -- one event at a time -------------------------------------------------------------
    naive = one_event_at_a_time(events, by_room, {r: len(v) for r, v in vm_before.items()},
                                account_vms)
    print()
    print_calls("one event at a time (a fixed list of calls per event) would have made:",
                naive, len(events))
    naive_total, made_total = sum(naive.values()), sum(made.values())
    naive_seconds: Counter[tuple[Family, Category]] = Counter()
    for name, n in naive.items():
        fam, cat = family_category(name)
        naive_seconds[(fam, cat)] += n / (limit_for(fam, cat, plan).per_second * share)
    naive_bound = max(naive_seconds.values())
    print(f"  = {naive_total / made_total:.2f} x the calls the connector made; its own lower "
          f"bound would be {naive_bound:.0f} s ({naive_bound / bound:.1f} x)")

    ok = converged and ratio <= GOAL_RATIO and not problems
    print(f"\nVERDICT: {'PASS' if ok else 'FAIL'} - {len(events)} events, "
          f"{made_total} calls ({made_total / len(events):.2f}/event, "
          f"{naive_total / made_total:.1f}x fewer than one at a time), {achieved:.1f} s = "
          f"{ratio:.2f} x bound {bound:.1f} s (goal <= {GOAL_RATIO}), {len(too_many)} 429s, "
          f"{len(lost)} lost, {len(twice)} applied twice, {len(wrong)} wrong")
    return 0 if ok else 1


def check_outcome(connector: Connector, sandbox: Sandbox, recorder: WriteRecorder,
                  events: list[Event], rooms: list[Room], by_room: dict[str, Room],
                  vm_before: dict[str, list[str]], other_vms: set[str],
                  ins: list[CheckIn]) -> list[str]:
    problems: list[str] = []
    for event in events:
        status = connector.store.event_status(event.id)
        if status is None:
            problems.append(f"lost: event {event.id} is not in the store")
        elif status.state != "applied":
            problems.append(f"lost: event {event.id} is {status.state} ({status.error})")

    # Each room shows its new guest, and an occupied room's outbound rules.
    country = connector.settings.hotel.country
    for event in ins:
        room = by_room[event.room]
        g = event.guests[0]
        want = f"{g.first_name} {g.last_name} {room.extension}"
        owner = sandbox.owner(room.extension)
        if isinstance(owner, User):
            assert owner.phone is not None
            shown: object = (owner.first_name, owner.last_name, owner.display_name)
            expect: object = (g.first_name, f"{g.last_name} {room.extension}", want)
            policy = owner.phone.policy
        else:
            assert isinstance(owner, CommonArea)
            shown, expect, policy = owner.display_name, want, owner.policy
        if shown != expect:
            problems.append(f"room {room.room}: Zoom shows {shown!r}, not {expect!r}")
        if not policy.international_calling or policy.country_rules.get(country, 1) != 1:
            problems.append(f"room {room.room}: outbound rules are not an occupied room's")

    # Voicemail: every message left before the rush deleted, each exactly once.
    left = set(sandbox.account.voicemails)
    deletes = Counter(m.group(1) for w in recorder.writes
                      if (m := _VM_IN_PATH.match(w.path)) and w.method == "DELETE")
    for number, ids in vm_before.items():
        for vm_id in ids:
            if vm_id in left:
                problems.append(f"room {number}: voicemail {vm_id} left before the stay is "
                                "still there")
            elif deletes[vm_id] != 1:
                problems.append(f"twice: voicemail {vm_id} of room {number} was deleted "
                                f"{deletes[vm_id]} times")
    if not other_vms <= left:
        problems.append(f"{len(other_vms - left)} voicemails of staff or lines were deleted")

    # No write repeats the previous write to the same resource.
    last: dict[tuple[str, str], bytes] = {}
    for w in recorder.writes:
        if w.status >= 300 or w.method == "DELETE":
            continue
        key = (w.method, w.path)
        body = json.dumps(json.loads(w.body), sort_keys=True).encode() if w.body else b""
        if last.get(key) == body:
            m = _ID_IN_PATH.match(w.path)
            which = next((r.room for r in rooms if m and r.zoom_id == m.group(1)), "?")
            problems.append(f"twice: room {which}: {w.method} {w.path} repeated with the same "
                            "body")
        last[key] = body
    return problems


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speedup", type=float, default=1.0,
                        help="multiply every per-second limit (sandbox and connector) by this "
                             "for the measured rush (1: Zoom's own limits)")
    parser.add_argument("--seed-speedup", type=float, default=20.0,
                        help="the same, while the hotel is first filled (not measured)")
    parser.add_argument("--plan", choices=[p.value for p in Plan], default="pro")
    parser.add_argument("--share", type=float, default=0.8, help="CONNECTOR_ZOOM__RATE_LIMIT_SHARE")
    parser.add_argument("--floors", type=int, default=25)
    parser.add_argument("--rooms-per-floor", type=int, default=40)
    parser.add_argument("--batch", type=int, default=50, help="events per PMS batch")
    parser.add_argument("--arrival", type=float, default=2.0,
                        help="unscaled seconds over which the events arrive")
    parser.add_argument("--settle", type=float, default=0.5,
                        help="unscaled CONNECTOR_RECONCILE__SETTLE_SECONDS")
    parser.add_argument("--parallel", type=int, default=64,
                        help="CONNECTOR_RECONCILE__PARALLEL_ROOMS")
    parser.add_argument("--timeout", type=float, default=600.0, help="real seconds per phase")
    parser.add_argument("--store-dir", default=None, help="where the SQLite store goes (tmp)")
    parser.add_argument("--profile", action="store_true",
                        help="print where the time went (category use over time, rooms in flight)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(args)))
    sys.exit(1)
