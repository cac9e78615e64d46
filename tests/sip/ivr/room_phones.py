"""The room-phone services on a real SIP line: a store and fold, the reporter, the `Ivr`
answering a `LinePool` line registered to the test Kamailio, and sipp room phones calling it.

Room NNN has extension 2NNN. The prompts are the shipped ones; the voice notes which it was
asked to say, so a test can tell what a caller heard.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from connector.clock import SystemClock
from connector.events.models import CheckIn, Guest
from connector.ivr.handler import Ivr
from connector.pms.fias.transport import FiasClient
from connector.pms.reporter_channels import ReportChannel
from connector.rooms.room_map import RoomMap
from connector.rooms.state import RoomState
from connector.settings.phone import IvrSettings
from connector.sip.api import Prompt
from connector.store import Report, Store
from connector.voice.library import PromptLibrary
from tests.fias.conftest import HOTEL
from tests.ivr.conftest import ingest_into
from tests.reporter.conftest import running_reporter
from tests.sip.integration.pools import make_pool
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.sipp import Sipp, SippHandle
from tests.support.outbox import kept_reports

HOUSEKEEPING, WAKEUP = "7001", "7002"
ROOM_MAP = RoomMap({f"{n}": f"2{n}" for n in range(101, 131)})
# Short waits keep the suite quick; the shipped prompts still play in full.
SETTINGS = IvrSettings(housekeeping_number=HOUSEKEEPING, wakeup_number=WAKEUP,
                       digit_timeout_seconds=3, attempts=3)
_ids = itertools.count(1)


@dataclass
class ListeningVoice:
    """The shipped prompts, noting each list of prompt names asked for (what callers heard)."""

    library: PromptLibrary
    said: list[list[str]] = field(default_factory=list)

    def say(self, names: Sequence[str], language: str | None) -> list[Prompt]:
        self.said.append(list(names))
        return self.library.say(names, language)

    @property
    def heard(self) -> list[str]:
        """Every prompt name asked for, in order."""
        return [name for names in self.said for name in names]


@dataclass
class RoomPhones:
    """The hotel's side of the room phones: what the test sets up and then inspects."""

    store: Store
    voice: ListeningVoice
    registry: CollectorRegistry
    line: str
    address: tuple[str, int]  # where the line's SIP socket listens

    def call(self, sipp: Sipp, room: str, dialled: str, digits: str, *,
             scenario: str = "caller_digits", **params: Any) -> SippHandle:
        """Room `room`'s phone dials `dialled` and keys `digits`: From is the room's extension,
        no P-Asserted-Identity, unless `params` say otherwise. It waits 20 s after its last key
        before hanging up itself: long enough for the service to say goodbye and hang up."""
        extension = ROOM_MAP[room]
        return sipp.call_line(self.line, dialled=dialled, scenario=scenario, **{
            "caller": extension, "caller_name": f"Room {room}", "pai": "", "digits": digits,
            "hangup_after_ms": 20000, **params})

    def check_in(self, *rooms: str) -> None:
        """Guests arrive (as the PMS would say), so the rooms are occupied."""
        ingest_into(self.store)([
            CheckIn(id=f"ci-{next(_ids)}", occurred_at=SystemClock().now(), room=room,
                    reservation=f"R{room}", guests=[Guest(last_name="Lovelace", language="en")])
            for room in rooms], source="fias")

    def room(self, room: str) -> RoomState:
        state = self.store.room(room)
        assert state is not None, f"room {room} has no state"
        return state

    def maid_status(self, room: str) -> int | None:
        """The RS the room's kept housekeeping status amounts to, None when there is none."""
        housekeeping = self.room(room).housekeeping
        return None if housekeeping is None else housekeeping.maid_status

    def reports(self) -> list[Report]:
        """Everything kept for the PMS, in order."""
        return kept_reports(self.store)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


@asynccontextmanager
async def room_phones(kamailio: Kamailio, database: Path, library: PromptLibrary, *,
                      line: int, channel: ReportChannel | None,
                      link: FiasClient | None = None) -> AsyncIterator[RoomPhones]:
    """The IVR on line `line`, registered, reporting through `channel`."""
    with Store(database) as store:
        async with running_reporter(store, channel, link=link) as reporter:
            voice = ListeningVoice(library)
            registry = CollectorRegistry()
            ivr = Ivr(SETTINGS, tz=HOTEL, rooms=store, ingest=ingest_into(store),
                      reporter=reporter, voice=voice, clock=SystemClock(), room_map=ROOM_MAP,
                      registry=registry)
            pool = make_pool(kamailio, first_line=line, inbound=ivr, registry=registry)
            await pool.start()
            try:
                assert await pool.wait_ready(1, within=5), f"line {line} did not register"
                yield RoomPhones(store, voice, registry, str(line),
                                 pool.lines[0].agent.flow.local_address)
            finally:
                await pool.stop()


def far_end_hung_up(caller: SippHandle) -> bool:
    """The room phone received a BYE (the service hung up), rather than sending one."""
    trace = (caller.run_dir / "messages.log").read_text(errors="replace")
    received = trace.split("message received")[1:]  # sipp's "UDP message received [n] bytes"
    return any(block.split("\n\n", 1)[-1].startswith("BYE ") for block in received)
