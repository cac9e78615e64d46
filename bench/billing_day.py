"""Billing day: a 1,000-room hotel's day of 20,000 outside calls reaches the PMS as call
charges through Zoom's call-history webhook, 2% of the webhooks lost and repaired by the
call-history poll. Is every chargeable call posted exactly once, how many calls does the
connector rate per second of CPU, and how many Heavy calls does the poll spend?

    python bench/billing_day.py [--calls 20000] [--hours 24] [--speed 120] [--lose 0.02] ...

Exits 0 when the goals below are met, 1 otherwise; the last line is the verdict. Figures and
how to read them: docs/benchmarks.md.

Setup. Three parts: the Zoom sandbox (the demo hotel, floors x rooms per floor) and a FIAS
PMS (`connector.sandbox.fias_pms`) served on loopback by this process, and `connector serve`
as a child process (as the crash trials start it) with call accounting on: Zoom's webhook
secret, the tariff `bench/billing_day_tariff.yaml` (a New York hotel's, covering the
sandbox's mix), the FIAS link as the posting channel, its store a SQLite file on disk.
Every room Zoom has is checked in by a GI from the PMS; the day starts once the connector
holds every stay and has pushed the rooms to Zoom.

The day. `day_of_calls` (the sandbox's mix: local, national, toll-free, international,
premium, emergency; one in seven unanswered), placed as the day goes: each call is recorded
in Zoom's call history 10 s after hang-up and its signed
`phone.caller_call_history_completed` is sent then; the sandbox loses `--lose` of them for
good (its seeded fault). The poll runs on its own schedule, as in production.

Time compression. The sandbox's clock and the connector's clock run `--speed` times faster
than real time (x120: the day in 12 minutes), from the same instant. Compressed with them:
the poll's schedule (its interval, cadence, settle and overlap), Zoom's webhook retries (5,
20 and 60 minutes of Zoom time), token expiry, the Zoom rate limits' windows, the five-minute
replay window of Zoom's signatures (2.5 s real at x120), the FIAS link's daily resync
(05:00 hotel time). Not compressed: CPU, HTTP and FIAS latency, and the FIAS link's alive
check, whose session waits in real seconds (LS about every 5 real minutes, the dead-link
timer off). The PMS's answer to a posting may take up to `posting_answer_timeout_seconds`;
that setting is raised to its maximum (3,600 s of the connector's clock, 30 s real at x120),
so a busy machine does not turn postings unknown.

Checked (goals). PS records the PMS received against the chargeable calls, computed from
Zoom's records (answered, not emergency, a charge above 0 under the tariff): the same
multiset of (room, digits dialled, duration, amount), every P# distinct, so 0 lost and 0
doubled; in the connector's store no call left new or without a rate, no posting unknown.
The poll's Heavy calls (its `GET /phone/call_history` pages, from the sandbox's request
log) <= 1.2 x the fewest pages that list the day's calls (ceil(calls / 300)) and <= 2% of
the plan's daily Heavy budget (Pro: 15,000). Printed, no goal: calls rated per second of the
connector process's CPU (user + system, /proc) over the day, with its webhook intake, store,
posting and poll.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.billing.poll import WATERMARK_KEY
from connector.billing.poll_plan import PAGE_SIZE
from connector.billing.rating import rate_call
from connector.billing.tariff import Tariff, load_tariff
from connector.billing.webhook import CALLER_HISTORY_COMPLETED
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.calls import RECORD_DELAY_SECONDS, CallOrder, day_of_calls
from connector.sandbox.clock import SandboxClock
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.server import SandboxServer
from connector.sandbox.state import CallRecord
from connector.sandbox.webhooks import ZOOM_RETRY_MINUTES, DeliveryState
from connector.settings.model import Plan
from connector.zoom.catalogue import Family
from connector.zoom.rate_tables import daily_budget
from tests.crash.child import ConnectorProcess, free_port

TARIFF = Path(__file__).resolve().parent / "billing_day_tariff.yaml"
CHILD = str(Path(__file__).resolve())
T = TypeVar("T")
SECRET_TOKEN = "billing-day-zoom-secret-token"
CLOCK_ENV = "BILLING_DAY_CLOCK"  # the child's clock: "<start iso> <origin monotonic> <speed>"
LISTING = "list_account_call_history"
GOAL_PAGES_RATIO = 1.2
GOAL_BUDGET_SHARE = 0.02
SURNAMES = ("Lima", "Aberg", "Dubois", "Ivanov", "Kim", "Haddad", "Rossi", "Sato", "Moreau",
            "Garcia", "Mensah", "Martin", "Silva", "Nowak", "Berg", "Patel")


# -- the child: `connector serve` on the benchmark's clock ---------------------------------


class ScaledClock:
    """Implements `connector.clock.Clock`: shows `start` at `time.monotonic() == origin` and
    runs `speed` times faster (CLOCK_MONOTONIC is one clock for every process, so the child
    and the sandbox agree)."""

    def __init__(self, start: datetime, origin: float, speed: float) -> None:
        self._start, self._origin, self._speed = start, origin, speed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.monotonic())

    def monotonic(self) -> float:
        return (time.monotonic() - self._origin) * self._speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self._speed)


def serve_child() -> None:
    """`connector serve` as the CLI runs it, but on the benchmark's compressed clock."""
    from connector.cli.common import settings_or_exit
    from connector.serve.runner import serve

    start, origin, speed = os.environ[CLOCK_ENV].split()
    clock = ScaledClock(datetime.fromisoformat(start), float(origin), float(speed))
    asyncio.run(serve(settings_or_exit(), clock=clock))


# -- what the PMS should have received -------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    """One call charge as the PMS sees it in a PS: room, digits, duration, amount."""

    room: str
    digits: str
    seconds: int
    amount: int


def expected_charges(calls: Sequence[CallRecord], rooms: dict[str, str],
                     tariff: Tariff) -> Counter[Charge]:
    """The charges Zoom's records call for: answered calls from a room (every room is
    occupied all day), not emergency, costing more than nothing under the tariff."""
    charges: Counter[Charge] = Counter()
    for call in calls:
        if call.result != "answered":
            continue
        rated = rate_call(tariff, call.callee_number, call.duration,
                          emergency=call.call_type == "emergency")
        if rated.amount_minor > 0:
            charges[Charge(rooms[call.caller_number], call.callee_number.lstrip("+"),
                           call.duration, rated.amount_minor)] += 1
    return charges


def received_charges(postings: Sequence[Record]) -> Counter[Charge]:
    """The charges in the PS records the PMS received (DU is HHMMSS, TA minor units)."""
    return Counter(Charge(ps.get("RN") or "", ps.get("DD") or "", _seconds(ps.get("DU")),
                          int(ps.get("TA") or -1)) for ps in postings)


def _seconds(duration: str | None) -> int:
    if duration is None or len(duration) != 6 or not duration.isdigit():
        return -1
    return int(duration[:2]) * 3600 + int(duration[2:4]) * 60 + int(duration[4:])


# -- the PMS ---------------------------------------------------------------------------------


class PmsThread:
    """The FIAS PMS on a thread and event loop of its own, so the sandbox's work in this
    process (serving Zoom, sending its webhooks) does not hold up its answers to postings."""

    def __init__(self, local_time: Callable[[], datetime]) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fias-pms",
                                        daemon=True)
        self._thread.start()

        async def make() -> FiasPms:
            return FiasPms(local_time=local_time)
        self.pms = asyncio.run_coroutine_threadsafe(make(), self._loop).result()

    async def on_its_loop(self, work: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    async def close(self) -> None:
        await self.on_its_loop(self.pms.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def postings(self) -> list[Record]:
        return list(self.pms.received_of("PS"))


# -- measuring -------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) of a process, from /proc; 0 elsewhere."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """A read of the connector's store, beside the running connector (WAL)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql, args).fetchall()


@dataclass(frozen=True)
class Listing:
    """One listing of the call history (a window) and the pages it took."""

    start: datetime
    end: datetime
    pages: int
    at: datetime


def listings(sandbox: Sandbox) -> list[Listing]:
    """The poll's listings, from the sandbox's request log: a page without a page token
    starts a listing."""
    found: list[Listing] = []
    for entry in sandbox.log.entries():
        if entry.endpoint != LISTING:
            continue
        query = parse_qs(entry.query)
        if "next_page_token" in query and found:
            last = found[-1]
            found[-1] = Listing(last.start, last.end, last.pages + 1, last.at)
            continue
        found.append(Listing(_zoom_time(query["from"][0]), _zoom_time(query["to"][0]), 1,
                             entry.at))
    return found


def _zoom_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


async def until(check: object, within: float, what: str, every: float = 0.2) -> None:
    assert callable(check)
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(every)


# -- the run ---------------------------------------------------------------------------------


def recorded_at(order: CallOrder) -> datetime:
    """When Zoom's record of the call exists (its webhook goes, the listing shows it)."""
    assert order.start is not None
    talk = order.talk_seconds if order.result == "answered" else 0
    return order.start + timedelta(seconds=order.ring_seconds + talk + RECORD_DELAY_SECONDS)


def room_extensions(sandbox: Sandbox) -> dict[int, str]:
    """The rooms Zoom has a phone for, by extension."""
    account = sandbox.account
    owned = {a.extension_number for a in account.common_areas.values()}
    owned |= {u.phone.extension_number for u in account.users.values() if u.phone is not None}
    return {r.extension: r.room for r in sandbox.hotel.rooms if r.extension in owned}


async def check_in_every_room(pms: PmsThread, rooms: dict[int, str], db: Path) -> None:
    for n, room in enumerate(sorted(rooms.values())):
        await pms.on_its_loop(pms.pms.send(Record.of("GI", ("RN", room), ("G#", str(50_000 + n)),
                                 ("GN", SURNAMES[n % len(SURNAMES)]))))
    await until(lambda: read(db, "SELECT count(*) FROM stays WHERE until IS NULL")[0][0]
                == len(rooms), 300, "the connector did not hold every stay")


async def rooms_waiting(url: str) -> int:
    """Rooms the connector still has to push to Zoom, from its own /metrics."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    match = re.search(r"^connector_rooms_waiting (\S+)$", text, re.MULTILINE)
    return int(float(match.group(1))) if match else -1


async def until_pushed(url: str, within: float) -> None:
    """Until the check-ins are pushed to Zoom (their CPU is not the day's)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await rooms_waiting(url) == 0:
            return
        await asyncio.sleep(0.5)


async def place_the_day(sandbox: Sandbox, orders: list[CallOrder]) -> list[CallRecord]:
    """Each call placed when Zoom's record of it exists, in the order records appear."""
    orders = sorted(orders, key=recorded_at)
    placed: list[CallRecord] = []
    shown = 0
    while len(placed) < len(orders):
        now = sandbox.clock.now()
        due = []
        while len(placed) + len(due) < len(orders) and recorded_at(
                orders[len(placed) + len(due)]) <= now:
            due.append(orders[len(placed) + len(due)])
        if due:
            placed += sandbox.place_calls(due)
        if 10 * len(placed) // len(orders) > shown:
            shown = 10 * len(placed) // len(orders)
            print(f"  {len(placed):6d} calls placed  (Zoom time {now:%H:%M})",
                  file=sys.stderr, flush=True)
        await asyncio.sleep(0.02)
    return placed


def postings_settled(db: Path, watermark_past: datetime) -> bool:
    """The poll has listed past the day, every call is settled, every posting answered."""
    mark = read(db, "SELECT value FROM meta WHERE key = ?", WATERMARK_KEY)
    if not mark or datetime.fromisoformat(str(mark[0][0])) < watermark_past:
        return False
    if read(db, "SELECT count(*) FROM calls WHERE state = 'new'")[0][0]:
        return False
    waiting = read(db, "SELECT count(*) FROM outbox WHERE kind = 'posting' "
                       "AND state IN ('pending', 'sent')")[0][0]
    return waiting == 0


async def run(args: argparse.Namespace, workdir: Path) -> int:
    speed, plan = args.speed, Plan.PRO
    clock = SandboxClock(speed=speed)
    retries = tuple(minutes * 60 for minutes in ZOOM_RETRY_MINUTES)  # Zoom's, in Zoom time
    sandbox = Sandbox(SandboxConfig(floors=args.floors, rooms_per_floor=args.rooms_per_floor,
                                    plan=plan, webhook_retry_seconds=retries), clock=clock)
    # The demo's next-to-last room of a floor has Zoom's outbound calling policy off, so its
    # check-in never reaches Zoom; here every room phone places outside calls.
    for area in sandbox.account.common_areas.values():
        area.policy.outbound_calling_enabled = True
    tariff = load_tariff(TARIFF)
    rooms = room_extensions(sandbox)
    pms = PmsThread(local_time=clock.now)
    pms_port = await pms.on_its_loop(pms.pms.serve())
    db = workdir / "connector.sqlite3"
    async with SandboxServer(sandbox):
        room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
        env = {
            **sandbox.environment(str(room_map)),
            "CONNECTOR_STORE__PATH": str(db),
            "CONNECTOR_FIAS__MODE": "client",
            "CONNECTOR_FIAS__PORT": str(pms_port),
            "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN": SECRET_TOKEN,
            "CONNECTOR_BILLING__TARIFF_FILE": str(TARIFF),
            "CONNECTOR_REPORTER__POSTING_ANSWER_TIMEOUT_SECONDS": "3600",
            # The FIAS session times its waits in real seconds and judges them on the
            # clock: its alive check stays in real time (LS about every 5 real minutes),
            # with no dead-link timer (a Zoom minute of silence is a blink here).
            "CONNECTOR_FIAS__ALIVE_INTERVAL_SECONDS": f"{min(300 * speed, 43_200):g}",
            "CONNECTOR_FIAS__DEAD_AFTER_SECONDS": "0",
            "CONNECTOR_LOG__FORMAT": "json",
            CLOCK_ENV: f"{clock.now().isoformat()} {time.monotonic()!r} {speed!r}",
        }
        connector = ConnectorProcess(env, workdir / "connector.log", free_port(),
                                     command=(CHILD, "--child"))
        await connector.start()
        try:
            return await _day(args, sandbox, pms, connector, db, tariff, rooms)
        finally:
            await connector.stop()
            await pms.close()


async def _day(args: argparse.Namespace, sandbox: Sandbox, pms: PmsThread,
               connector: ConnectorProcess, db: Path, tariff: Tariff,
               rooms: dict[int, str]) -> int:
    clock, speed = sandbox.clock, args.speed
    await connector.wait_ready(within=120)
    await pms.on_its_loop(asyncio.wait_for(pms.pms.link_up.wait(), 30))
    await sandbox.webhooks.subscribe(f"{connector.url}/zoom/events", SECRET_TOKEN)
    began = clock.now()
    await check_in_every_room(pms, rooms, db)
    await until_pushed(connector.url, within=120)
    print(f"hotel: {len(rooms)} rooms checked in by FIAS GI and pushed to Zoom "
          f"({(clock.now() - began).total_seconds() / 60:.0f} min of Zoom time)")

    sandbox.webhooks.faults.seed(args.seed)
    sandbox.webhooks.faults.lose(count=None, rate=args.lose, event=CALLER_HISTORY_COMPLETED)
    day_start = clock.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    span = timedelta(hours=args.hours)
    orders = day_of_calls(sorted(rooms), args.calls, day_start, span, random.Random(args.seed))
    print(f"day: {len(orders)} calls over {args.hours:g} h from {day_start:%Y-%m-%d %H:%M} "
          f"UTC, clocks x{speed:g}; {args.lose:.0%} of the call webhooks lost")
    pages_before = sum(listing.pages for listing in listings(sandbox))
    cpu_before, real_before = process_cpu(connector.pid), time.monotonic()

    calls = await place_the_day(sandbox, orders)
    last_end = max(call.end_time for call in calls)
    try:
        await until(lambda: postings_settled(db, last_end), 120 + 3600 * 2 / speed,
                    "the day's calls were not all listed and posted", every=0.5)
    except TimeoutError as error:
        mark = read(db, "SELECT value FROM meta WHERE key = ?", WATERMARK_KEY)
        print(f"  {error}: the poll's watermark {mark}, the day's last call ended "
              f"{last_end:%H:%M:%S}; the report says what is missing")
    cpu, real = process_cpu(connector.pid) - cpu_before, time.monotonic() - real_before
    await sandbox.webhooks.settled(within=120)
    zoom_elapsed = clock.now() - day_start
    return report(args, sandbox, pms, db, tariff, rooms, calls, cpu, real, zoom_elapsed,
                  pages_before, day_start)


def report(args: argparse.Namespace, sandbox: Sandbox, pms: PmsThread, db: Path,
           tariff: Tariff,
           rooms: dict[int, str], calls: list[CallRecord], cpu: float, real: float,
           zoom_elapsed: timedelta, pages_before: int, day_start: datetime) -> int:
    by_extension = {str(extension): room for extension, room in rooms.items()}
    expected = expected_charges(calls, by_extension, tariff)
    postings = pms.postings()
    received = received_charges(postings)
    lost = sum((expected - received).values())
    wrong = sum((received - expected).values())
    p_numbers = Counter(ps.get("P#") for ps in postings)
    doubled = sum(n - 1 for n in p_numbers.values() if n > 1)
    # The day's calls only: the first listing also finds the demo hotel's older calls.
    day_ids = {call.call_id for call in calls}
    kept = [row for row in read(db, "SELECT call_id, state, class_name, sources FROM calls")
            if row[0] in day_ids]
    states = Counter(str(state) for _, state, _, _ in kept)
    rated = sum(1 for _, _, class_name, _ in kept if class_name is not None)
    by_poll = sum(1 for *_, sources in kept if sources == "poll")
    unknown = read(db, "SELECT count(*) FROM outbox WHERE kind = 'posting' "
                       "AND state = 'unknown'")[0][0]
    deliveries = Counter(d.state for d in sandbox.webhooks.deliveries
                         if d.event == CALLER_HISTORY_COMPLETED)

    # The day's listings: those after the day began (the ones before listed an empty hotel).
    everything = listings(sandbox)
    day = everything[len(everything) - sum(1 for listing in everything
                                           if listing.at >= day_start):]
    pages = sum(listing.pages for listing in day)
    minimum = math.ceil(len(calls) / PAGE_SIZE)
    if args.listings:
        for listing in everything:
            print(f"  listing at {listing.at:%d %H:%M}: calls that ended "
                  f"{listing.start:%d %H:%M:%S} to {listing.end:%d %H:%M:%S}, "
                  f"{listing.pages} page(s)")
    ends = sorted(call.end_time for call in calls)
    windows_minimum = sum(
        max(1, math.ceil(sum(1 for end in ends if listing.start <= end <= listing.end)
                         / PAGE_SIZE)) for listing in day)
    budget = daily_budget(Family.PHONE, Plan.PRO)
    gaps = [(b.at - a.at).total_seconds() / 60 for a, b in itertools.pairwise(day)]

    print()
    print(f"calls: {len(calls)} placed, {len(kept)} kept by the connector; Zoom's webhooks: "
          f"{deliveries[DeliveryState.DELIVERED]} delivered, "
          f"{deliveries[DeliveryState.LOST]} lost, "
          f"{deliveries[DeliveryState.GAVE_UP]} given up after Zoom's retries; "
          f"{by_poll} calls found by the poll alone")
    print("the day's calls by state: " + ", ".join(
        f"{state} {count}" for state, count in sorted(states.items())))
    print(f"rating: {rated} calls rated in {cpu:.1f} s of the connector's CPU over the day "
          f"({real:.0f} s real, {zoom_elapsed.total_seconds() / 3600:.1f} h of Zoom time) = "
          f"{rated / cpu if cpu else float('nan'):.0f} calls rated per CPU second "
          f"({1000 * cpu / max(1, len(calls)):.2f} ms of CPU a call, everything included)")
    print(f"postings: {len(postings)} PS received by the PMS for {sum(expected.values())} "
          f"chargeable calls; {len(p_numbers)} distinct P#; lost {lost}, doubled {doubled}, "
          f"not matching a call {wrong}; postings unknown {unknown}")
    print(f"poll: {pages} Heavy calls in {len(day)} listings from the day's start (every "
          f"{_median(gaps):.0f} min of Zoom time, median; {pages_before} before the day); "
          f"fewest pages for the day's calls ceil({len(calls)}/{PAGE_SIZE}) = {minimum}, "
          f"for the windows listed {windows_minimum}")
    print(f"  Heavy calls / fewest pages = {pages / minimum:.2f} (goal <= {GOAL_PAGES_RATIO}); "
          f"of Pro's daily Heavy budget {budget}: {pages / budget:.2%} "
          f"(goal <= {GOAL_BUDGET_SHARE:.0%})")

    misses = []
    if lost or doubled or wrong or len(postings) != sum(expected.values()):
        misses.append(f"postings {len(postings)} for {sum(expected.values())} chargeable calls "
                      f"(lost {lost}, doubled {doubled}, wrong {wrong})")
    if unknown or states.get("new") or states.get("no_rate"):
        misses.append(f"calls left: {unknown} postings unknown, {states.get('new', 0)} new, "
                      f"{states.get('no_rate', 0)} without a rate")
    if pages > GOAL_PAGES_RATIO * minimum:
        misses.append(f"Heavy calls {pages / minimum:.2f} x the fewest pages")
    if pages > GOAL_BUDGET_SHARE * budget:
        misses.append(f"Heavy calls {pages / budget:.2%} of the daily budget")
    verdict = "FAIL - " + "; ".join(misses) if misses else (
        f"PASS - {len(postings)} postings = chargeable calls, 0 lost, 0 doubled; Heavy "
        f"{pages / minimum:.2f} x the fewest pages, {pages / budget:.2%} of the daily budget; "
        f"{rated / cpu if cpu else float('nan'):.0f} calls rated per CPU second")
    print(f"\nVERDICT: {verdict}")
    return 1 if misses else 0


def _median(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    if "--child" in sys.argv[1:]:
        serve_child()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floors", type=int, default=25)
    parser.add_argument("--rooms-per-floor", type=int, default=40)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--hours", type=float, default=24.0, help="the day's length")
    parser.add_argument("--speed", type=float, default=120.0,
                        help="how much faster than real time the clocks run")
    parser.add_argument("--lose", type=float, default=0.02,
                        help="the share of call webhooks Zoom loses")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--listings", action="store_true",
                        help="print each of the poll's listings")
    parser.add_argument("--keep", action="store_true",
                        help="keep the store and the connector's log")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="billing-day-"))
    try:
        code = asyncio.run(run(args, workdir))
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
