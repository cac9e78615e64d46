"""A hotel's wake-up desk for tests: the real store, fold, reporter and scheduler, on a fake
phone and virtual time. Events go in as the PMS would send them; the test reads what the
guest heard, what the PMS was told and what the front desk sees."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    Guest,
    GuestChange,
    WakeupClear,
    WakeupSet,
)
from connector.pms.reporter import Reporter
from connector.rooms.desired import fold
from connector.rooms.state import RoomState
from connector.settings.phone import WakeupSettings
from connector.store import Alert, RoomView, Store
from connector.wakeup.metrics import WakeupMetrics
from connector.wakeup.scheduler import WakeupScheduler
from connector.wakeup.script import Speaking
from tests.support.outbox import kept_reports
from tests.wakeup.fakes import FakePhone, FakeSpeech, FakeVoice
from tests.wakeup.virtual_clock import VirtualClock, settle

LISBON = ZoneInfo("Europe/Lisbon")
# 05:00 in Lisbon (UTC+0 in winter), two hours before the usual wake-ups.
START = datetime(2026, 3, 10, 5, 0, tzinfo=LISBON)
ROOMS = {f"{n}": f"2{n}" for n in (*range(101, 131), 201, 202, 1204)}
OPERATOR = "2000"
_ids = itertools.count(1)


def local(text: str) -> datetime:
    """'2026-03-10 07:00' in Lisbon."""
    return datetime.fromisoformat(text).replace(tzinfo=LISBON)


def extension(room: str) -> str:
    return ROOMS[room]


@dataclass(frozen=True)
class Answer:
    """A wake-up answer (WA) as the PMS will receive it."""

    room: str
    requested_at: datetime
    status: str


@dataclass
class Desk:
    path: Path
    clock: VirtualClock
    phone: FakePhone
    settings: WakeupSettings
    voice: FakeVoice = field(default_factory=FakeVoice)
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    store: Store = field(init=False)
    reporter: Reporter = field(init=False)
    scheduler: WakeupScheduler = field(init=False)
    crashed: bool = False

    def __post_init__(self) -> None:
        self.open()

    def open(self) -> None:
        """Open the store and build the scheduler (as a start of the connector does)."""
        self.store = Store(self.path, clock=self.clock)
        self.reporter = Reporter(self.store, None, tz=LISBON, clock=self.clock)
        self.registry = CollectorRegistry()
        self.scheduler = WakeupScheduler(
            settings=self.settings, store=self.store, phone=self.phone,
            speaking=Speaking(voice=self.voice, speech=FakeSpeech(), tz=LISBON),
            reporter=self.reporter, room_map=ROOMS, clock=self.clock,
            metrics=WakeupMetrics(self.registry))

    # The PMS

    def send(self, *events: AnyEvent) -> None:
        """Ingest as `Connector.ingest` does, then tell the scheduler which rooms changed."""
        changed: set[str] = set()

        def noting(event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
            result = fold(event, seq, rooms)
            changed.update(result)
            return result

        self.store.ingest(events, noting)
        if changed:
            self.scheduler.rooms_changed(sorted(changed))

    def check_in(self, room: str, *, language: str = "", reservation: str | None = None) -> None:
        self.send(CheckIn(id=_next(), occurred_at=self.clock.now(), room=room,
                          reservation=reservation or f"R{room}",
                          guests=[Guest(first_name="Ada", last_name="Lovelace",
                                        language=language)]))

    def check_out(self, room: str) -> None:
        self.send(CheckOut(id=_next(), occurred_at=self.clock.now(), room=room,
                           reservation=f"R{room}"))

    def move(self, old: str, new: str) -> None:
        self.send(GuestChange(id=_next(), occurred_at=self.clock.now(), room=new,
                              old_room=old, reservation=f"R{old}",
                              guests=[Guest(first_name="Ada", last_name="Lovelace")]))

    def set_wakeup(self, room: str, at: str, days: int = 1) -> None:
        self.send(WakeupSet(id=_next(), occurred_at=self.clock.now(), room=room,
                            at=local(at), days=days))

    def clear_wakeup(self, room: str, at: str | None = None) -> None:
        self.send(WakeupClear(id=_next(), occurred_at=self.clock.now(), room=room,
                              at=None if at is None else local(at)))

    # What people see

    def answers(self) -> list[Answer]:
        """Every wake-up answer kept for the PMS, in order."""
        return [Answer(report.room, datetime.fromisoformat(str(report.payload["requested_at"])),
                       str(report.payload["status"]))
                for report in kept_reports(self.store) if report.kind == "wakeup_answer"]

    def open_alerts(self) -> list[Alert]:
        return self.store.open_alerts()

    def metric(self, name: str, **labels: str) -> float:
        value = self.registry.get_sample_value(name, labels)
        return 0.0 if value is None else value

    def pending_jobs(self) -> int:
        return (self.store.count_wakeup_jobs("pending")
                + self.store.count_wakeup_jobs("calling"))

    # Running

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Desk]:
        """The scheduler runs inside the block and is stopped (gracefully) after it."""
        stop = asyncio.Event()
        task = asyncio.create_task(self.scheduler.run(stop), name="scheduler")
        self.crashed = False
        try:
            await settle()
            yield self
        finally:
            if not self.crashed:
                stop.set()
                await self.clock.run_until(task.done, within=3600)
                task.result()

    async def until(self, check: Callable[[], bool], *, within: float = 86400) -> None:
        await self.clock.run_until(check, within=within)

    async def crash(self) -> None:
        """The process dies: nothing finishes, the store is simply closed."""
        for task in asyncio.all_tasks():
            if task.get_name() == "scheduler" or task.get_name().startswith("wakeup"):
                task.cancel()
        await settle()
        self.store.close()
        self.crashed = True


def _next() -> str:
    return f"evt-{next(_ids)}"


def make_desk(tmp_path: Path, *, lines: int = 2, start: datetime = START,
              **settings: Any) -> Desk:
    clock = VirtualClock(start)
    return Desk(path=tmp_path / "connector.sqlite3", clock=clock,
                phone=FakePhone(clock, lines=lines),
                settings=WakeupSettings(operator_extension=OPERATOR, **settings))
