"""A hotel's wake-up calls on real SIP: the store and fold, the reporter on a FIAS link to the
PMS simulator, the real wake-up scheduler (on a `ScaledClock`, so retry intervals pass in
fractions of a second) and our line pool registered to the test Kamailio, ringing sipp and
baresip room phones. The shipped prompts play in full, in real time.

The hotel's clock shows `WAKE - LEAD` when the hotel is made: wake-ups set for `WAKE` fall
due about `LEAD_REAL_SECONDS` later, once the lines have registered.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry

from connector.events.models import AnyEvent, CheckIn, Guest, WakeupSet
from connector.pms.fias.codec import Record
from connector.pms.reporter_channels import FiasChannel
from connector.rooms.desired import fold
from connector.rooms.state import RoomState
from connector.sandbox.fias_pms import FiasPms
from connector.settings.phone import SrtpMode, WakeupSettings
from connector.sip.api import Prompt
from connector.store import Alert, RoomView, Store, WakeupJob
from connector.voice import speech
from connector.voice.library import PromptLibrary
from connector.wakeup.metrics import WakeupMetrics
from connector.wakeup.scheduler import WakeupScheduler
from connector.wakeup.script import Speaking
from tests.fias.conftest import HOTEL, make_pms, running_client
from tests.reporter.conftest import running_reporter
from tests.sip.integration.pools import make_pool
from tests.sip.peers.kamailio import Kamailio
from tests.sip.wakeup.recording_phone import Dial, RecordingPhone
from tests.sip.wakeup.scaled_clock import ScaledClock

SPEED = 20.0  # the scheduler's seconds per real second
LEAD_REAL_SECONDS = 1.0  # from making the hotel until WAKE: time for the lines to register
WAKE = datetime(2026, 3, 10, 7, 0, tzinfo=HOTEL)
LEAD = timedelta(seconds=LEAD_REAL_SECONDS * SPEED)
REGISTER_WITHIN = 10.0
STOP_WITHIN = 10.0  # real seconds for the scheduler to stop (its stop grace is 1.5 s real)
_ids = itertools.count(1)


@dataclass(frozen=True)
class Lines:
    """The connector's SIP lines: `count` lines numbered from `first`."""

    count: int = 1
    first: int = 1001
    transport: str = "udp"
    srtp: SrtpMode = SrtpMode.OFF

    @property
    def users(self) -> list[str]:
        return [str(self.first + n) for n in range(self.count)]


@dataclass
class ListeningVoice:
    """The shipped prompts, noting each list of prompt names asked for (what was heard)."""

    library: PromptLibrary
    said: list[list[str]] = field(default_factory=list)

    def say(self, names: Sequence[str], language: str | None) -> list[Prompt]:
        self.said.append(list(names))
        return self.library.say(names, language)


@dataclass
class _Run:
    """One run of the connector: what a crash or a stop ends."""

    stack: AsyncExitStack
    store: Store
    scheduler: WakeupScheduler
    stop: asyncio.Event
    task: asyncio.Task[None]


class Hotel:
    """The connector's wake-up side against real peers. `start()` is a start of the
    connector; `stop()` a graceful shutdown; `crash()` a process dying mid-schedule."""

    def __init__(self, kamailio: Kamailio, database: Path, library: PromptLibrary, *,
                 pms: FiasPms, pms_port: int, rooms: Mapping[str, str],
                 settings: WakeupSettings, lines: Lines) -> None:
        self.kamailio = kamailio
        self.database = database
        self.rooms = rooms
        self.settings = settings
        self.lines = lines
        self.voice = ListeningVoice(library)
        self.clock = ScaledClock(WAKE - LEAD, SPEED)
        self.dials: list[Dial] = []
        self.pms = pms
        self._pms_port = pms_port
        self._run: _Run | None = None

    @property
    def store(self) -> Store:
        assert self._run is not None, "the connector is not running"
        return self._run.store

    async def start(self) -> None:
        """Open the store, link to the PMS, register the lines, run the scheduler."""
        assert self._run is None, "already running"
        stack = AsyncExitStack()
        try:
            client = await stack.enter_async_context(running_client(self._pms_port))
            store = stack.enter_context(Store(self.database, clock=self.clock))
            reporter = await stack.enter_async_context(
                running_reporter(store, FiasChannel(client), link=client))
            pool = make_pool(self.kamailio, transport=self.lines.transport,
                             lines=self.lines.count, first_line=self.lines.first,
                             srtp=self.lines.srtp)
            await pool.start()
            stack.push_async_callback(pool.stop)
            assert await pool.wait_ready(self.lines.count, within=REGISTER_WITHIN), (
                f"{pool.lines_ready} of {self.lines.count} lines registered")
            scheduler = WakeupScheduler(
                settings=self.settings, store=store, phone=RecordingPhone(pool, self.dials),
                speaking=Speaking(voice=self.voice, speech=speech, tz=HOTEL),
                reporter=reporter, room_map=self.rooms, clock=self.clock,
                metrics=WakeupMetrics(CollectorRegistry()))
        except BaseException:
            await stack.aclose()
            raise
        stop = asyncio.Event()
        task = asyncio.create_task(scheduler.run(stop), name="scheduler")
        self._run = _Run(stack, store, scheduler, stop, task)

    async def stop(self) -> None:
        """Shut down gracefully (calls in progress may finish within the stop grace); does
        nothing when not running."""
        run, self._run = self._run, None
        if run is None:
            return
        try:
            run.stop.set()
            await asyncio.wait_for(run.task, STOP_WITHIN)
        finally:
            await run.stack.aclose()

    async def crash(self) -> None:
        """The process dies mid-schedule: no try in progress gets to keep its outcome. The
        lines and the link are then closed (the sockets of a dead process close too)."""
        run, self._run = self._run, None
        assert run is not None, "the connector is not running"
        dying = [task for task in asyncio.all_tasks()
                 if task is run.task or task.get_name().startswith("wakeup-")]
        for task in dying:
            task.cancel()
        for task in dying:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await run.stack.aclose()

    # The PMS

    def check_in(self, *rooms: str) -> None:
        self._send(*(CheckIn(id=_next(), occurred_at=self.clock.now(), room=room,
                             reservation=f"R{room}",
                             guests=[Guest(last_name="Lovelace", language="en")])
                     for room in rooms))

    def set_wakeup(self, *rooms: str, at: datetime = WAKE) -> None:
        self._send(*(WakeupSet(id=_next(), occurred_at=self.clock.now(), room=room, at=at)
                     for room in rooms))

    def _send(self, *events: AnyEvent) -> None:
        """Ingest as `Connector.ingest` does, then tell the scheduler which rooms changed."""
        assert self._run is not None, "the connector is not running"
        changed: set[str] = set()

        def noting(event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
            result = fold(event, seq, rooms)
            changed.update(result)
            return result

        self._run.store.ingest(events, noting)
        self._run.scheduler.rooms_changed(sorted(changed))

    # What people see

    def jobs(self) -> dict[str, WakeupJob]:
        """Each room's wake-up job (one per room in these tests)."""
        return {job.room: job for job in self.store.wakeup_jobs()}

    def open_alerts(self) -> list[Alert]:
        return self.store.open_alerts()

    def heard(self) -> list[list[str]]:
        """The prompt lists played, in order."""
        return self.voice.said

    def answers(self) -> list[Record]:
        """Every WA the PMS received, in order."""
        return self.pms.received_of("WA")

    def answers_for(self, room: str) -> list[tuple[str | None, str | None, str | None]]:
        """(DA, TI, AS) of each WA the PMS received for `room`."""
        return [(r.get("DA"), r.get("TI"), r.get("AS")) for r in self.answers()
                if r.get("RN") == room]

    async def until_answered(self, rooms: Sequence[str], *, within: float) -> None:
        """Wait until the PMS has a WA for each of `rooms`."""
        await self.until(lambda: {r.get("RN") for r in self.answers()} >= set(rooms),
                         within=within, what=f"a WA for each room of {sorted(rooms)}; got "
                                             f"{[str(r) for r in self.answers()]}")

    async def until(self, check: Callable[[], bool], *, within: float, what: str) -> None:
        """Wait (real seconds) until `check()` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not check():
            if loop.time() > deadline:
                raise AssertionError(f"not done after {within} s: {what}; dials: {self.dials}")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def wakeup_hotel(kamailio: Kamailio, directory: Path, library: PromptLibrary, *,
                       rooms: Mapping[str, str], settings: WakeupSettings,
                       lines: Lines | None = None) -> AsyncIterator[Hotel]:
    """A running hotel (see `Hotel`) reporting to a FIAS PMS simulator; stopped after."""
    pms = make_pms()
    port = await pms.serve()
    hotel = Hotel(kamailio, directory / "connector.sqlite3", library, pms=pms, pms_port=port,
                  rooms=rooms, settings=settings, lines=lines or Lines())
    try:
        await hotel.start()
        yield hotel
    finally:
        try:
            await hotel.stop()
        finally:
            await pms.close()


def room_extensions(*rooms: str) -> dict[str, str]:
    """Room NNN → extension 2NNN (Kamailio sends 2NNN to the sipp phone on port 26NNN)."""
    return {room: f"2{room}" for room in rooms}


def fias_date_time(at: datetime) -> tuple[str, str]:
    """DA and TI of a FIAS record for `at`, in the hotel's time."""
    local = at.astimezone(HOTEL)
    return local.strftime("%y%m%d"), local.strftime("%H%M%S")


def _next() -> str:
    return f"evt-{next(_ids)}"
