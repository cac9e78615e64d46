"""Cloud PMS rush: a hotel's morning in OPERA Cloud (OHIP) and in Cloudbeds, its notifications
lost, doubled and late, through the real adapter, the cloud door and the connector, against
the Zoom sandbox over real HTTP. How many PMS calls per event, within the vendor's limit in
every second, how close to the fastest the limits allow, losing and doubling nothing?

    python bench/cloud_pms_rush.py [--vendor ohip cloudbeds] [--speedup K] ...

Exits 0 when every goal is met for every vendor, 1 otherwise; the last line is the verdict.
Figures and how to read them: docs/benchmarks.md ("Cloud PMS rush").

Setup, per vendor. The Zoom sandbox's demo hotel (floors x rooms per floor, as in
`bench/checkout_rush.py`, served from its own thread) and the vendor's emulator with the
same room numbers (served on loopback in this thread's loop). 90 % of the rooms are occupied
in the PMS before the connector starts; the connector then opens its cloud door (the real
adapter, `CloudDoor`, `Connector`), whose start-up resync fills Zoom (not measured).

The morning (measured), with N rooms: half the rooms turn over (the guest checks out, a new
one checks in), a tenth check out and stay empty, a twentieth of the rooms empty at dawn get
a guest, and a twentieth of the guests move to the last empty rooms: 1.2 N front-desk
actions, the check-outs and moves first, then the check-ins, spread over `--arrival`
seconds. The emulator's faults (OHIP: `StreamFaults` on its stream; Cloudbeds:
`WebhookFaults` on its webhooks) lose `--lose` of the notifications, send `--duplicate`
twice and hold `--late` back: a Cloudbeds webhook `--late-seconds` (the others go on), an
OHIP event `--stall-seconds` (its stream is ordered: every event behind it waits too, so
5 % of 1,200 events at 2 s would stall it for two minutes). A resync is asked for as
`connector sync --pms` asks (the store's request) once the front desk is done; the run ends
when every notice that came is applied and Zoom has been quiet for a moment.

Figures.
- PMS calls per event, against the least hydration needs: one read for each reservation
  named by the thin notices the connector received (each vendor says which are thin and
  what they name: `subject`), 0 for a self-contained one, a duplicate or a lost one, plus
  the resync's pages (in-house list / page size). Every reservation of the morning is
  touched by one front-desk action, and one read after its notices came answers them all
  (Cloudbeds sends two or three per action). Goal <= 1.2 x.
- The vendor's limit in every second: the most requests the emulator's request log holds in
  any sliding second, over the vendor's limit (OHIP 50/s, Cloudbeds 5/s), and the emulator's
  own verdict (OHIP's delayed requests; Cloudbeds' suspensions). Goal <= 1 and 0.
- Time: first front-desk action -> last Zoom call answered, over the binding bound: the Zoom
  bound of `bench/checkout_rush.py` (per family and category, calls / (share x Zoom's rate)),
  the PMS bound (PMS calls / the connector's own rate for the vendor) or the last notice's
  arrival (nothing can be done before the vendor says it), whichever is longest. Goal
  <= 1.10.
- Lost: after the resync, every room's Zoom name is what the PMS says (the in-house guest's,
  else the vacant name). Doubled: no Zoom write repeats the previous write to the same
  resource (same method, path and body). Goal 0 and 0.

Time compression: `--speedup k` multiplies both sides' per-second limits by k, Zoom's as in
`bench/checkout_rush.py` and the PMS's (connector and emulator; `bench/cloud_pms_vendors.py`),
and divides the workload's time constants (arrival window, lateness, retries, settle) by k.
Every time printed is real seconds x k.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from prometheus_client import CollectorRegistry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.checkout_rush import (
    Room,
    WriteRecorder,
    family_category,
    guest,
    hotel_rooms,
    sandbox_thread,
    scale_sandbox_limits,
)
from bench.cloud_pms_vendors import CloudbedsVendor, Faults, OhipVendor, Vendor
from connector.pms.cloud.contract import Notice
from connector.pms.cloud.door import CloudDoor
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from connector.rooms.naming import parse_template, render
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.state import CommonArea, User
from connector.service import Connector
from connector.settings import Settings, load_settings
from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family
from connector.zoom.limiter import Limiters
from connector.zoom.rate_tables import limit_for

GOAL_CALLS = 1.2
GOAL_TIME = 1.10


# -- the morning -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # "check_out", "check_in", "move"
    room: str
    to: str = ""  # a move's new room
    guest: int = 0  # a check-in's guest number


@dataclass(frozen=True, slots=True)
class Morning:
    occupied: list[str]  # at dawn
    actions: list[Action]

    def mix(self) -> Counter[str]:
        return Counter(a.kind for a in self.actions)


def morning(rooms: Sequence[str], seed: int) -> Morning:
    """Half the rooms turn over, a tenth leave, a twentieth arrive, a twentieth move."""
    order = list(rooms)
    random.Random(seed).shuffle(order)
    n = len(order)
    turn, leave = order[: n // 2], order[n // 2: n * 6 // 10]
    moving = order[n * 6 // 10: n * 13 // 20]
    arriving, moved_to = order[n * 9 // 10: n * 19 // 20], order[n * 19 // 20:]
    occupied = order[: n * 9 // 10]
    first = [Action("check_out", r) for r in turn + leave]
    first += [Action("move", r, to) for r, to in zip(moving, moved_to, strict=False)]
    then = [Action("check_in", r, guest=n + i) for i, r in enumerate(turn + arriving)]
    rng = random.Random(seed + 1)
    rng.shuffle(first)
    rng.shuffle(then)
    return Morning(occupied, first + then)


def act(vendor: Vendor, action: Action) -> None:
    if action.kind == "check_out":
        vendor.check_out(action.room)
    elif action.kind == "move":
        vendor.move(action.room, action.to)
    else:
        g = guest(action.guest)
        vendor.check_in(action.room, g.first_name, g.last_name)


# -- the door, counted --------------------------------------------------------------------


class CountedDoor(CloudDoor):
    """The real door; it also notes each notice it was handed: its name, and what it needs
    read back (`Vendor.subject`)."""

    keys: dict[str, tuple[str, str | None]]
    handed: int
    subject: Callable[[Notice], str | None]
    last_at: float  # when the last notice came (the clock's monotonic)

    def start_counting(self, subject: Callable[[Notice], str | None], now: float) -> None:
        self.keys, self.handed, self.subject, self.last_at = {}, 0, subject, now

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        new = super().accept(notices, offset=offset)
        self._count(notices)
        return new

    def accept_new(self, notices: Sequence[Notice]) -> set[str]:
        new = super().accept_new(notices)  # a webhook door's group commit
        self._count(notices)
        return new

    def _count(self, notices: Sequence[Notice]) -> None:
        if hasattr(self, "keys"):
            self.handed += len(notices)
            self.last_at = max(self.last_at, self._clock.monotonic())
            for notice in notices:
                self.keys.setdefault(notice.key, (notice.name, self.subject(notice)))


# -- the run -----------------------------------------------------------------------------


@dataclass
class Result:
    vendor: str
    ok: bool
    line: str
    figures: dict[str, str] = field(default_factory=dict)


def settings_for(env: dict[str, str]) -> Settings:
    with mock.patch.dict(os.environ, env):
        return load_settings(_env_file=None)


async def wait_for(check: Callable[[], bool], *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def zoom_quiet(sandbox: Sandbox, quiet: float) -> bool:
    entries = sandbox.log.entries()
    last = entries[-1].monotonic if entries else 0.0
    return sandbox.clock.monotonic() - last >= quiet


def busiest_second(stamps: Sequence[float]) -> int:
    """The most stamps inside any one second (sliding)."""
    times = sorted(stamps)
    best = start = 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_vendor(args: argparse.Namespace, name: str) -> Result:
    k, plan = args.speedup, Plan(args.plan)
    sandbox = Sandbox(SandboxConfig(plan=plan, floors=args.floors,
                                    rooms_per_floor=args.rooms_per_floor))
    rooms = hotel_rooms(sandbox)
    for area in sandbox.account.common_areas.values():
        area.policy.outbound_calling_enabled = True  # as in bench/checkout_rush.py
    numbers = [r.room for r in rooms]
    day = morning(numbers, args.seed)
    faults = Faults(args.lose, args.duplicate, args.late,
                    args.stall_seconds if name == "ohip" else args.late_seconds)
    vendor: Vendor = (OhipVendor(numbers, sandbox.clock, faults, k, args.ohip_rate)
                      if name == "ohip" else CloudbedsVendor(numbers, sandbox.clock, faults, k))
    recorder = WriteRecorder(sandbox.app())
    workdir = Path(tempfile.mkdtemp(prefix="cloud-pms-rush-", dir=args.store_dir))
    mix = day.mix()
    print(f"== {name}: {len(rooms)} rooms, {len(day.occupied)} occupied at dawn; morning of "
          f"{len(day.actions)} actions ({mix['check_out']} check-outs, {mix['check_in']} "
          f"check-ins, {mix['move']} moves); notifications {args.lose:.0%} lost, "
          f"{args.duplicate:.0%} doubled, {args.late:.0%} late by {faults.late_seconds:g} s; "
          f"speedup x{k:g}")
    try:
        with sandbox_thread(sandbox, recorder):
            async with vendor.running():
                return await _run(args, name, sandbox, recorder, rooms, day, vendor, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _run(args: argparse.Namespace, name: str, sandbox: Sandbox, recorder: WriteRecorder,
               rooms: list[Room], day: Morning, vendor: Vendor, workdir: Path) -> Result:
    k, plan, share = args.speedup, Plan(args.plan), args.share
    for i, room in enumerate(day.occupied):
        g = guest(i)
        vendor.check_in(room, g.first_name, g.last_name)
    room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
    settings = settings_for({
        **sandbox.environment(str(room_map)), **vendor.environment(),
        "CONNECTOR_ZOOM__RATE_LIMIT_SHARE": str(share),
        "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": str(args.settle / k),
        "CONNECTOR_RECONCILE__PARALLEL_ROOMS": str(args.parallel)})
    scale_sandbox_limits(sandbox, plan, k)
    registry = CollectorRegistry()
    connector = await Connector.open(settings, clock=sandbox.clock, registry=registry,
                                     limiters=Limiters(plan, share, sandbox.clock, speedup=k))
    adapter = vendor.adapter(settings, tz=connector.tz, clock=sandbox.clock, registry=registry)
    door = CountedDoor(adapter, connector, tz=connector.tz, clock=sandbox.clock,
                       registry=registry, idle_seconds=0.05)
    await vendor.serve_webhooks(adapter, door)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(door.run(stop), name="door"),
             asyncio.create_task(connector.reconciler.run(stop), name="reconciler")]
    quiet = max(0.3, 2.0 / k)
    try:
        t0 = time.monotonic()
        await wait_for(lambda: door.status().last_resync_at is not None, within=args.timeout,
                       what="the start-up resync")
        await wait_for(lambda: not connector.store.counts().dirty
                       and zoom_quiet(sandbox, quiet), within=args.timeout,
                       what="Zoom to show the hotel at dawn")
        print(f"dawn: the start-up resync filled Zoom in {time.monotonic() - t0:.1f} s real "
              "(not measured)")
        return await _morning(args, name, sandbox, recorder, rooms, day, vendor, door,
                              connector, settings, quiet)
    except TimeoutError as error:
        status = door.status()
        refused, what = vendor.refusals()
        line = (f"{name}: {error}; door: {status.pending} pending, {status.failed} failed, "
                f"last resync {status.last_resync}; {refused} {what}")
        print(f"FAIL - {line}\n")
        return Result(name, False, line)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await adapter.close()
        await connector.close()


async def _morning(args: argparse.Namespace, name: str, sandbox: Sandbox,
                   recorder: WriteRecorder, rooms: list[Room], day: Morning, vendor: Vendor,
                   door: CountedDoor, connector: Connector, settings: Settings,
                   quiet: float) -> Result:
    k, plan, share = args.speedup, Plan(args.plan), args.share
    dawn = set(day.occupied)
    empty_at_dawn = {r.room: zoom_name(sandbox, r) for r in rooms if r.room not in dawn}
    vendor.clear_calls()
    sandbox.log.clear()
    recorder.writes.clear()
    clock = sandbox.clock
    door.start_counting(vendor.subject, clock.monotonic())
    batches = [day.actions[i:i + args.batch] for i in range(0, len(day.actions), args.batch)]
    gap = args.arrival / k / max(1, len(batches) - 1)
    start = clock.monotonic()
    real_start = time.monotonic()
    for i, batch in enumerate(batches):
        if i:
            await asyncio.sleep(gap)
        for action in batch:
            act(vendor, action)
    acted = clock.now()
    try:
        async with asyncio.timeout(args.timeout):
            await vendor.idle()
    except TimeoutError:
        raise TimeoutError("timed out waiting for the emulator to send its notifications") \
            from None
    # The resync is asked for as soon as the front desk is done, as `connector sync --pms`
    # asks (the store's request): the notices still on their way are applied after it.
    connector.store.set_meta(RESYNC_REQUEST_KEY, acted.isoformat())
    notice_quiet = max(0.3, (args.late_seconds + 1.0) / k)

    def drained() -> bool:
        """Every notice that came is applied, and none came for a while since the front
        desk was done (a late one is held `--late-seconds`)."""
        last = door.status().last_notice_at
        return (last is not None and last >= acted and connector.store.cloud_notices.counts()
                .pending == 0 and (clock.now() - last).total_seconds() >= notice_quiet)

    await wait_for(lambda: (door.status().last_resync_at or acted) > acted,
                   within=args.timeout, what="the resync")
    await wait_for(drained, within=args.timeout, what="the door to apply every notice")
    await wait_for(lambda: not connector.store.counts().dirty and zoom_quiet(sandbox, quiet),
                   within=args.timeout, what="Zoom to settle")
    print(f"morning: {len(day.actions)} actions, settled after "
          f"{time.monotonic() - real_start:.1f} s real")

    pms = vendor.calls()
    zoom = [e for e in sandbox.log if e.endpoint and e.endpoint != "oauth_token"]
    end = max([e.monotonic for e in zoom] + [c.monotonic for c in pms] + [start])
    achieved = (end - start) * k

    # -- PMS calls against the least hydration needs ---------------------------------------
    by_op = Counter(c.operation for c in pms)
    print("PMS calls, by operation:")
    for op, n in by_op.most_common():
        print(f"  {op:<48}{n:>7}{n / len(day.actions):>10.3f} per event")
    notices = Counter(name for name, _ in door.keys.values())
    # Every reservation of the morning is touched by one front-desk action, which may make
    # several notices (Cloudbeds: two or three): one read of it answers them all.
    reads = len({subject for _, subject in door.keys.values() if subject is not None})
    in_house = len(vendor.truth())
    pages = max(1, math.ceil(in_house / vendor.page_size()))
    least = reads + pages
    calls_ratio = len(pms) / least if least else float("inf")
    print(f"notices received: {door.handed} ({len(door.keys)} distinct: "
          + ", ".join(f"{n} {c}" for n, c in notices.most_common()) + ")")
    print(f"least hydration needs: {reads} reservations named by thin notices + {pages} "
          "resync pages "
          f"({in_house} in house) = {least}; made {len(pms)} = {calls_ratio:.3f} x "
          f"(goal <= {GOAL_CALLS})")

    # -- the vendor's limit in every second ------------------------------------------------
    limit = vendor.limit * k
    busiest = busiest_second([c.monotonic for c in pms])
    refused, refused_what = vendor.refusals()
    tenth = max(1e-9, (end - start) / 10)
    spread = Counter(min(9, int((c.monotonic - start) / tenth)) for c in pms)
    print(f"PMS calls in each tenth of the run ({tenth * k:.1f} s): "
          + " ".join(str(spread[i]) for i in range(10)))
    print(f"busiest second at the PMS: {busiest / k:.1f} requests (unscaled) / limit "
          f"{vendor.limit} = {busiest / limit:.2f}; {refused} {refused_what}")

    # -- time against the bounds -----------------------------------------------------------
    by_cat: Counter[tuple[Family, Category]] = Counter()
    for e in zoom:
        by_cat[family_category(e.endpoint)] += 1
    seconds = {key: n / (limit_for(key[0], key[1], plan).per_second * share)
               for key, n in by_cat.items()}
    zoom_key = max(seconds, key=lambda key: seconds[key]) if seconds else None
    zoom_bound = seconds[zoom_key] if zoom_key else 0.0
    own_rate = vendor.rate
    pms_bound = len(pms) / own_rate
    # Nothing can be done before the vendor says it: its last notice is a bound too.
    delivered = (door.last_at - start) * k
    bounds = {f"Zoom {zoom_key[0].value}/{zoom_key[1].value}" if zoom_key else "Zoom":
              zoom_bound, f"{name} at {own_rate:g}/s": pms_bound,
              f"{name}'s last notice": delivered}
    binding = max(bounds, key=lambda b: bounds[b])
    bound = bounds[binding]
    time_ratio = achieved / bound if bound else float("inf")
    print(f"Zoom calls: {len(zoom)}; Zoom bound {zoom_bound:.1f} s"
          + (f" ({zoom_key[0].value}/{zoom_key[1].value})" if zoom_key else "")
          + f"; PMS bound {pms_bound:.1f} s ({len(pms)} calls at the connector's "
          f"{own_rate:g}/s); the last notice came at {delivered:.1f} s")
    print(f"achieved: {achieved:.1f} s = {time_ratio:.3f} x the binding bound, {binding} "
          f"(goal <= {GOAL_TIME})")

    # -- lost or doubled -------------------------------------------------------------------
    lost = wrong_rooms(sandbox, settings, rooms, vendor, empty_at_dawn)
    twice = repeated_writes(recorder)
    failed = door.status().failed
    print(f"rooms wrong in Zoom after the resync (lost): {len(lost)}; Zoom writes applied "
          f"twice: {len(twice)}; notices the PMS refused: {failed}")
    for problem in (lost + twice)[:10]:
        print(f"  - {problem}")

    ok = (calls_ratio <= GOAL_CALLS and busiest <= limit and refused == 0
          and time_ratio <= GOAL_TIME and not lost and not twice)
    line = (f"{name}: calls {calls_ratio:.2f} x least (<= {GOAL_CALLS}), busiest second "
            f"{busiest / limit:.2f} x limit, {refused} {refused_what.split(' ')[0]}, time "
            f"{time_ratio:.2f} x bound ({binding}; <= {GOAL_TIME}), {len(lost)} lost, "
            f"{len(twice)} doubled")
    print(f"{'PASS' if ok else 'FAIL'} - {line}\n")
    return Result(name, ok, line)


def zoom_name(sandbox: Sandbox, room: Room) -> str | None:
    owner = sandbox.owner(room.extension)
    return owner.display_name if isinstance(owner, User | CommonArea) else None


def wrong_rooms(sandbox: Sandbox, settings: Settings, rooms: list[Room], vendor: Vendor,
                empty_all_along: dict[str, str | None]) -> list[str]:
    """Rooms whose Zoom name is not what the PMS says now. A room empty at dawn and now
    keeps whatever name it had (the connector never had a reason to touch it)."""
    truth = vendor.truth()
    occupied = parse_template(settings.rooms.occupied_name)
    vacant = parse_template(settings.rooms.vacant_name)
    wrong = []
    for room in rooms:
        values = {"room": room.room, "extension": str(room.extension)}
        who = truth.get(room.room)
        if who is not None:
            values |= {"vip": "", "title": "", "first": who.first, "last": who.last,
                       "language": "", "reservation": who.reservation}
        want = render(occupied if who else vacant, values).display_name
        shown = zoom_name(sandbox, room)
        if who is None and room.room in empty_all_along:
            want = empty_all_along[room.room] or ""
        if shown != want:
            wrong.append(f"room {room.room}: Zoom shows {shown!r}, the PMS says {want!r}")
    return wrong


def repeated_writes(recorder: WriteRecorder) -> list[str]:
    """Writes that repeat the previous write to the same resource: an effect applied twice."""
    last: dict[tuple[str, str], bytes] = {}
    twice = []
    for w in recorder.writes:
        if w.status >= 300 or w.method == "DELETE":
            continue
        key = (w.method, w.path)
        body = json.dumps(json.loads(w.body), sort_keys=True).encode() if w.body else b""
        if last.get(key) == body:
            twice.append(f"{w.method} {w.path} repeated with the same body")
        last[key] = body
    return twice


async def main(args: argparse.Namespace) -> int:
    results = [await run_vendor(args, name) for name in args.vendor]
    ok = all(r.ok for r in results)
    print(f"VERDICT: {'PASS' if ok else 'FAIL'} - " + "; ".join(r.line for r in results))
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", nargs="+", choices=["ohip", "cloudbeds"],
                        default=["ohip", "cloudbeds"])
    parser.add_argument("--speedup", type=float, default=1.0,
                        help="multiply both sides' per-second limits by this (1: the vendors' "
                             "and Zoom's own)")
    parser.add_argument("--plan", choices=[p.value for p in Plan], default="pro")
    parser.add_argument("--share", type=float, default=0.8, help="CONNECTOR_ZOOM__RATE_LIMIT_SHARE")
    parser.add_argument("--floors", type=int, default=25)
    parser.add_argument("--rooms-per-floor", type=int, default=40)
    parser.add_argument("--lose", type=float, default=0.05)
    parser.add_argument("--duplicate", type=float, default=0.05)
    parser.add_argument("--late", type=float, default=0.05)
    parser.add_argument("--late-seconds", type=float, default=2.0,
                        help="Cloudbeds: unscaled seconds a late webhook is held back")
    parser.add_argument("--stall-seconds", type=float, default=0.25,
                        help="OHIP: unscaled seconds a late event holds its ordered stream "
                             "(and every event behind it)")
    parser.add_argument("--ohip-rate", type=int, default=40,
                        help="CONNECTOR_OHIP__REQUESTS_PER_SECOND (OHIP delays above 50)")
    parser.add_argument("--batch", type=int, default=50, help="front-desk actions per batch")
    parser.add_argument("--arrival", type=float, default=2.0,
                        help="unscaled seconds over which the front desk acts")
    parser.add_argument("--settle", type=float, default=0.5,
                        help="unscaled CONNECTOR_RECONCILE__SETTLE_SECONDS")
    parser.add_argument("--parallel", type=int, default=64,
                        help="CONNECTOR_RECONCILE__PARALLEL_ROOMS")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--timeout", type=float, default=1800.0, help="real seconds per phase")
    parser.add_argument("--store-dir", default=None, help="where the SQLite store goes (tmp)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(args)))
    sys.exit(1)
