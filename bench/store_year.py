"""A year of a hotel through the real store: does the file stop growing once the retention
windows have passed, what does the daily erasure cost, and is every departed guest forgotten
on time?

    python bench/store_year.py [--rooms 300] [--days 365] [--retention-days 30]
                               [--audit-days 90] [--seed 7] [--dir /dev/shm]

On an injected clock, day after day: guests leave at 10:00 and arrive at 15:00 (a vacant
room is let with a chance of 70% a day, for 1-4 nights; each guest with a title, unique
names, VIP text and a language; one in ten renamed at 18:00), some ask for a wake-up and
some for DND at 22:00, wake-ups are placed and answered at 07:00, some guests call abroad
in the evening (kept, posted with a P# and answered by the PMS), the reconciler confirms
each room and journals its change, and the reporter sends what is due. About 100,000 PMS
events a year at 300 rooms, all through `Store.ingest` with the connector's own fold. At
03:30 the daily erasure (`connector.privacy.retention`) runs as `connector serve` runs it.

It prints the store's size at the end of each month (file + WAL, after the month's last
daily run), the CPU the daily runs
took per 10,000 rows erased (goal <= 1 s), and the check: every table and every stored body
is scanned for the names and dialled numbers the simulation gave out; none of a stay that
ended more than the retention before the last run may remain (and all of the stays in house
must). The goal for the size: flat (within +-10% of the months' mean) once both windows
have passed. `--audit-days` is the shortest the setting allows (90; default 400) so a year
shows it; with the default the file grows for 13 months, then flattens the same way.

The store goes in `--dir` (tmpfs by default where there is one): this is about size and CPU;
the disk's flush latency is measured by bench/webhook_ingest.py.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from connector.billing.call import ZoomCall
from connector.events.models import AnyEvent, CheckIn, CheckOut, Dnd, Guest, GuestChange, WakeupSet
from connector.pms.reports import posting_payload, wakeup_answer_payload
from connector.privacy.retention import Retention
from connector.rooms.desired import fold
from connector.settings.model import PrivacySettings
from connector.store import NewReport, Rating, Store, WakeupAnswer, WakeupSync
from connector.store.wakeups import NewWakeup

START = datetime(2026, 1, 1, tzinfo=UTC)
TITLES = ("Mr", "Ms", "Dr", "Prof")
LANGUAGES = ("EN", "DE", "FR", "IT", "ES", "JA")
# The simulation's personal data: unique tokens, so a scan of the file finds each one.
NAME = re.compile(r"Qx\d{7}")
DIALLED = re.compile(r"4420\d{7}")  # as Zoom gives it (+44...) and as FIAS posts it


class SimClock:
    """The injected clock (`connector.clock.Clock`), moved by the simulation."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.at.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class Stay:
    number: int
    room: str
    leaves: date
    dialled: list[str] = field(default_factory=list)

    @property
    def reservation(self) -> str:
        return f"R{self.number}"

    @property
    def token(self) -> str:
        return f"Qx{self.number:07d}"


@dataclass
class Year:
    sizes: dict[str, int] = field(default_factory=dict)  # month -> bytes at its end
    events: int = 0
    calls: int = 0
    wakeups: int = 0
    erased_rows: int = 0
    pruned_rows: int = 0
    retention_cpu: list[float] = field(default_factory=list)  # whole runs
    erase_cpu: float = 0.0  # their blanking of personal data
    forgotten: set[str] = field(default_factory=set)  # tokens that must be gone
    in_house: set[str] = field(default_factory=set)  # tokens that must remain
    last_cutoff: datetime = START


class Hotel:
    def __init__(self, store: Store, clock: SimClock, rooms: int, seed: int) -> None:
        self.store, self.clock = store, clock
        self.rooms = [f"{100 * (1 + i // 30) + i % 30 + 1}" for i in range(rooms)]
        self.rng = random.Random(seed)
        self.stays: dict[str, Stay] = {}
        self.ended: list[tuple[datetime, Stay]] = []
        self.numbers = itertools.count(1)
        self.events = 0
        self.pending_wakeups: list[tuple[str, datetime, str]] = []

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        self.clock.at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
        return self.clock.at

    def pms(self, events: list[AnyEvent]) -> None:
        if not events:
            return
        self.store.ingest(events, fold, source="bench")
        self.events += len(events)
        # The reconciler: Zoom now has each room, and its change is journalled (no names).
        for room in dict.fromkeys(r for e in events for r in _rooms(e)):
            state = self.store.room(room)
            if state is not None and state.version > self.store.confirmed_version(room):
                self.store.confirm(room, state.version)
                self.store.journal(room, "room updated", {"change": "NameChange"},
                                   [events[0].id], self.clock.now())

    def departures(self, day: date) -> None:
        now = self.at(day, 10)
        leaving = [stay for stay in self.stays.values() if stay.leaves <= day]
        self.pms([CheckOut(id=f"out-{s.reservation}", occurred_at=now, room=s.room,
                           reservation=s.reservation) for s in leaving])
        for stay in leaving:
            del self.stays[stay.room]
            self.ended.append((now, stay))

    def arrivals(self, day: date) -> None:
        now = self.at(day, 15)
        arriving = []
        for room in self.rooms:
            if room not in self.stays and self.rng.random() < 0.7:
                stay = Stay(next(self.numbers), room,
                            day + timedelta(days=self.rng.randint(1, 4)))
                self.stays[room] = stay
                arriving.append(stay)
        self.pms([CheckIn(id=f"in-{s.reservation}", occurred_at=now, room=s.room,
                          reservation=s.reservation, guests=[self.guest(s)],
                          arrival=day, departure=s.leaves) for s in arriving])
        now = self.at(day, 18)
        renamed = [s for s in arriving if self.rng.random() < 0.1]
        self.pms([GuestChange(id=f"gc-{s.reservation}", occurred_at=now, room=s.room,
                              reservation=s.reservation, guests=[self.guest(s)])
                  for s in renamed])

    def guest(self, stay: Stay) -> Guest:
        return Guest(title=self.rng.choice(TITLES), first_name=f"{stay.token}a",
                     last_name=stay.token, vip=f"{stay.token} gold",
                     language=self.rng.choice(LANGUAGES))

    def evening(self, day: date) -> int:
        """Calls abroad, then wake-up and DND requests; the calls placed."""
        calls = 0
        for stay in list(self.stays.values()):
            if self.rng.random() < 0.12:
                self.call(day, stay)
                calls += 1
        now = self.at(day, 22)
        events: list[AnyEvent] = []
        for stay in self.stays.values():
            if self.rng.random() < 0.35:
                wake = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
                wake += timedelta(hours=7)
                event_id = f"wr-{stay.reservation}-{day}"
                events.append(WakeupSet(id=event_id, occurred_at=now, room=stay.room, at=wake))
                self.pending_wakeups.append((stay.room, wake, event_id))
            if self.rng.random() < 0.15:
                events.append(Dnd(id=f"dnd-{stay.reservation}-{day}", occurred_at=now,
                                  room=stay.room, on=True,
                                  until=now + timedelta(hours=11)))
        self.pms(events)
        self.store.sync_wakeups(WakeupSync(create=[
            NewWakeup(room, at, event_id) for room, at, event_id in self.pending_wakeups]))
        self.pending_wakeups.clear()
        return calls

    def call(self, day: date, stay: Stay) -> None:
        start = self.at(day, 19, self.rng.randint(0, 59))
        dialled = f"4420{next(self.numbers):07d}"  # unique, as the guests' names are
        stay.dialled.append(dialled)
        talk = self.rng.randint(20, 900)
        call_id = f"call-{stay.reservation}-{len(stay.dialled)}"
        self.store.take_call(ZoomCall(
            call_id=call_id, direction="outbound", connect_type="external", emergency=False,
            result="answered", caller_extension=f"2{stay.room}", caller_extension_type="user",
            dialled=f"+{dialled}", callee_country="GB", start_time=start,
            answer_time=start + timedelta(seconds=8),
            end_time=start + timedelta(seconds=8 + talk), talk_seconds=talk), "webhook")
        minutes = -(-talk // 60)
        payload = posting_payload(stay.room, amount_minor=100 * minutes, dialled=dialled,
                                  duration_seconds=talk, at=start + timedelta(seconds=8 + talk),
                                  posting_type="C", tz=UTC)
        self.store.post_call(call_id, NewReport("posting", stay.room, payload, "fias"),
                             reservation=stay.reservation,
                             rating=Rating("international", 100 * minutes, "EUR", 60 * minutes))

    def morning_wakeups(self, day: date) -> int:
        now = self.at(day, 7, 1)
        due = self.store.due_wakeups(now)
        started = self.store.start_wakeup_tries([job.id for job in due])
        for job_id in started:
            job = self.store.wakeup_job(job_id)
            assert job is not None
            self.store.finish_wakeup(job, outcome="answered", status="OK", counted_try=True,
                                     report=WakeupAnswer("fias", wakeup_answer_payload(
                                         job.room, job.requested_at, "OK", UTC)), alert=None)
        return len(started)

    def reporter(self, day: date) -> None:
        """What the FIAS pump does: send what is due; the PMS answers every posting."""
        now = self.at(day, 23)
        while due := self.store.outbox.due("fias", now, limit=1000):
            for report in due:
                self.store.outbox.mark_sent(report.id)
                if report.p_number is not None:
                    self.store.outbox.mark_answered(report.p_number, "OK")


def _rooms(event: AnyEvent) -> tuple[str, ...]:
    room = getattr(event, "room", None)
    return (room,) if isinstance(room, str) else ()


def simulate(args: argparse.Namespace, folder: Path) -> Year:
    path = folder / "connector.sqlite3"
    clock = SimClock(START)
    year = Year()
    with Store(path, clock=clock) as store:
        hotel = Hotel(store, clock, args.rooms, args.seed)
        retention = Retention(store, PrivacySettings(retention_days=args.retention_days,
                                                     audit_retention_days=args.audit_days),
                              tz=UTC, clock=clock)
        for offset in range(args.days + 1):  # and the erasure of the morning after
            day = (START + timedelta(days=offset)).date()
            hotel.at(day, 3, 30)
            run = retention.run(day)
            year.retention_cpu.append(run.cpu_seconds)
            year.erase_cpu += run.erase_cpu_seconds
            year.erased_rows += run.erased.total
            year.pruned_rows += run.pruned
            year.last_cutoff = clock.now() - timedelta(days=args.retention_days)
            if (day.day == 1 and offset > 0) or offset == args.days:
                # The month just ended, after its last run.
                year.sizes[(day - timedelta(days=1)).strftime("%Y-%m")] = _size(path)
            if offset == args.days:
                break
            year.wakeups += hotel.morning_wakeups(day)
            hotel.departures(day)
            hotel.arrivals(day)
            year.calls += hotel.evening(day)
            hotel.reporter(day)
        year.events = hotel.events
        for left, stay in hotel.ended:
            if left < year.last_cutoff:
                year.forgotten.update([stay.token, *stay.dialled])
        for stay in hotel.stays.values():
            year.in_house.update([stay.token, *stay.dialled])
    return year


def _size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def scan(path: Path) -> dict[str, str]:
    """Every name and dialled number token left anywhere in the file, and a table it is in."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found: dict[str, str] = {}
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(value) for value in row)
                for token in [*NAME.findall(text), *DIALLED.findall(text)]:
                    found[token] = table
    finally:
        conn.close()
    return found


def report(args: argparse.Namespace, year: Year, left: dict[str, str]) -> bool:
    print(f"{args.rooms} rooms, {args.days} days: {year.events:,} PMS events, {year.calls:,} "
          f"calls, {year.wakeups:,} wake-ups; retention {args.retention_days} days, audit trail "
          f"{args.audit_days} days")
    settled = (args.retention_days + args.audit_days) // 30 + 2
    months = list(year.sizes)
    flat = [year.sizes[m] for m in months[settled:]]
    mean = statistics.mean(flat) if flat else 0.0
    print("\nmonth     store (file + WAL)   vs the settled months' mean")
    for index, month in enumerate(months):
        size = year.sizes[month]
        versus = f"{size / mean - 1:+.1%}" if index >= settled and mean else "(filling)"
        print(f"{month}   {size / 1e6:8.2f} MB        {versus}")
    worst = max((abs(s / mean - 1) for s in flat), default=0.0)
    size_ok = bool(flat) and worst <= 0.10
    cpu = sum(year.retention_cpu)
    per_10k = year.erase_cpu / year.erased_rows * 10_000 if year.erased_rows else 0.0
    touched = year.erased_rows + year.pruned_rows
    whole_10k = cpu / touched * 10_000 if touched else 0.0
    print(f"\ndaily erasure: {len(year.retention_cpu)} runs, {year.erased_rows:,} rows with "
          f"personal data blanked, {year.pruned_rows:,} old records deleted; longest run "
          f"{max(year.retention_cpu):.3f} s CPU")
    print(f"  blanking: {year.erase_cpu:.2f} s CPU, {per_10k:.3f} s per 10,000 rows erased")
    print(f"  whole runs (with deleting and giving space back): {cpu:.2f} s CPU, "
          f"{whole_10k:.3f} s per 10,000 rows erased or deleted")
    cpu_ok = per_10k <= 1.0 and whole_10k <= 1.0
    stale = set(left) & year.forgotten
    kept = year.in_house - set(left)
    print(f"personal data check: {len(year.forgotten):,} names and numbers of stays gone "
          f"before {year.last_cutoff:%Y-%m-%d} must be gone: {len(stale)} remain; "
          f"{len(year.in_house):,} of guests in house must remain: {len(kept)} missing")
    for token in sorted(stale)[:5]:
        print(f"  left: {token} in {left[token]}")
    checks = {"size flat within 10% once settled" if flat else "size (too few months)": size_ok,
              "<= 1 s CPU per 10,000 rows erased": cpu_ok,
              "no personal data past the window": not stale and not kept}
    for what, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--retention-days", type=int, default=30)
    parser.add_argument("--audit-days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=next(_tmpfs(), None))
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        year = simulate(args, Path(folder))
        left = scan(Path(folder) / "connector.sqlite3")
    ok = report(args, year, left)
    print(f"\n(simulated in {time.monotonic() - started:.0f} s)")
    return 0 if ok else 1


def _tmpfs() -> Iterator[Path]:
    shm = Path("/dev/shm")
    if shm.is_dir():
        yield shm


if __name__ == "__main__":
    sys.exit(main())
