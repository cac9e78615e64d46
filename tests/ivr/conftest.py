"""A hotel desk for room-phone tests: a real store and fold, the real reporter (its outbox
is what the PMS would receive), the IVR answering fake calls, and a clock the test moves."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry

from connector.events.models import AnyEvent, CheckIn, Guest, WakeupSet
from connector.ivr.handler import Ivr
from connector.ivr.ports import Ingest
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import ReportChannel
from connector.rooms.desired import fold
from connector.rooms.narrate import narrate
from connector.rooms.room_map import RoomMap
from connector.rooms.state import RoomState
from connector.settings.phone import IvrSettings
from connector.sip.api import CallerId
from connector.store import Received, Report, Store
from tests.ivr.fakes import FakeCall, FakeVoice, Step
from tests.support.fake_clock import FakeClock
from tests.support.outbox import kept_reports

HOTEL = ZoneInfo("Europe/Rome")
HOUSEKEEPING, WAKEUP = "7001", "7002"
ROOM_MAP = RoomMap({f"{floor}{n:02d}": f"2{floor}{n:02d}" for floor in (1, 2) for n in
                    range(1, 21)})
_ids = itertools.count(1)


@dataclass
class Desk:
    clock: FakeClock
    store: Store
    reporter: Reporter
    voice: FakeVoice
    ivr: Ivr
    settings: IvrSettings
    registry: CollectorRegistry

    def ingest(self, events: Sequence[AnyEvent], *, source: str = "phone") -> list[Received]:
        return ingest_into(self.store)(events, source=source)

    def check_in(self, room: str, *, language: str = "en") -> None:
        self.ingest([CheckIn(id=f"ci-{next(_ids)}", occurred_at=self.clock.now(), room=room,
                             reservation=f"R{room}",
                             guests=[Guest(first_name="Ada", last_name="Lovelace",
                                           language=language)])], source="fias")

    def pms_wakeup(self, room: str, at: Any, days: int = 1) -> None:
        self.ingest([WakeupSet(id=f"pms-wr-{next(_ids)}", occurred_at=self.clock.now(),
                               room=room, at=at, days=days)], source="fias")

    async def call(self, extension: str, script: Sequence[Step], *,
                   dialled: str = HOUSEKEEPING, from_user: str | None = None) -> FakeCall:
        """The room phone at `extension` dials `dialled` and follows `script`."""
        call = FakeCall(self.clock, script, call_id=f"call-{next(_ids)}")
        await self.ivr(call, CallerId(number=extension, name="Ada Lovelace",
                                      from_user=from_user or extension, dialled=dialled))
        return call

    def room(self, room: str) -> RoomState:
        state = self.store.room(room)
        assert state is not None, f"room {room} has no state"
        return state

    def reports(self) -> list[Report]:
        """Everything kept for the PMS, in order."""
        return kept_reports(self.store)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


MakeDesk = Callable[..., Desk]


def ingest_into(store: Store) -> Ingest:
    """`Connector.ingest` without Zoom: the store and the fold, in one transaction."""

    def ingest(events: Sequence[AnyEvent], *, source: str) -> list[Received]:
        return store.ingest(events, fold, source=source,
                            narrate=lambda event, before, after: narrate(event, before, after,
                                                                         HOTEL))

    return ingest


@pytest.fixture
def make_desk(tmp_path: Path) -> Iterator[MakeDesk]:
    stores: list[Store] = []

    def make(channel: ReportChannel | None = None, clock: FakeClock | None = None,
             **ivr_settings: Any) -> Desk:
        clock = clock or FakeClock()
        store = Store(tmp_path / f"connector-{len(stores)}.sqlite3", clock=clock)
        stores.append(store)
        settings = IvrSettings(housekeeping_number=HOUSEKEEPING, wakeup_number=WAKEUP,
                               **ivr_settings)
        reporter = Reporter(store, channel, tz=HOTEL, clock=clock)
        voice = FakeVoice()
        registry = CollectorRegistry()
        ivr = Ivr(settings, tz=HOTEL, rooms=store, ingest=ingest_into(store), reporter=reporter,
                  voice=voice, clock=clock, room_map=ROOM_MAP, registry=registry)
        return Desk(clock, store, reporter, voice, ivr, settings, registry)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def desk(make_desk: MakeDesk) -> Desk:
    return make_desk()
