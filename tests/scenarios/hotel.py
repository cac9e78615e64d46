"""A hotel for scenario tests: the emulated Zoom over real HTTP, the connector pointed at it,
and a front desk that sends PMS events. Time is the sandbox's clock, shared by both sides,
so `hotel.advance(hours=23)` moves Zoom and the connector together."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from connector.events.models import (
    CheckIn,
    CheckOut,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Event,
    Guest,
    GuestChange,
    ResyncEnd,
    ResyncStart,
)
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.sandbox.state import CommonArea, User
from connector.service import Connector
from connector.settings import Settings, load_settings
from connector.store import EventStatus, Failure, Received
from tests.sandbox.sandbox_support import SpecChecker
from tests.zoom_spec import ZoomSpec

_ids = itertools.count(1)


@dataclass
class Hotel:
    sandbox: Sandbox
    server: SandboxServer
    settings: Settings
    store_path: Path
    connector: Connector
    sent: list[Event] = field(default_factory=list)

    # -- the front desk ----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.sandbox.clock.now()

    def _id(self) -> str:
        return f"ev-{next(_ids)}"

    def send(self, *events: Event) -> list[Received]:
        self.sent.extend(events)
        return self.connector.ingest(list(events))

    def check_in(self, room: str, first: str, last: str, *, reservation: str | None = None,
                 share: bool = False, cos: ClassOfService | None = None, vip: str = "",
                 ) -> CheckIn:
        event = CheckIn(id=self._id(), occurred_at=self.now, room=room,
                        reservation=reservation or f"R{room}-{last}", share=share,
                        guests=[Guest(first_name=first, last_name=last, vip=vip)],
                        class_of_service=cos)
        self.send(event)
        return event

    def check_out(self, room: str, reservation: str) -> CheckOut:
        event = CheckOut(id=self._id(), occurred_at=self.now, room=room, reservation=reservation)
        self.send(event)
        return event

    def change_guest(self, room: str, reservation: str, first: str, last: str,
                     old_room: str | None = None, cos: ClassOfService | None = None,
                     ) -> GuestChange:
        event = GuestChange(id=self._id(), occurred_at=self.now, room=room,
                            reservation=reservation, old_room=old_room,
                            guests=[Guest(first_name=first, last_name=last)],
                            class_of_service=cos)
        self.send(event)
        return event

    def dnd(self, room: str, on: bool, until: datetime | None = None) -> Dnd:
        event = Dnd(id=self._id(), occurred_at=self.now, room=room, on=on, until=until)
        self.send(event)
        return event

    def class_of_service(self, room: str, level: ClassOfService) -> ClassOfServiceChange:
        event = ClassOfServiceChange(id=self._id(), occurred_at=self.now, room=room, level=level)
        self.send(event)
        return event

    def resync(self, *stays: tuple[str, str, str, str]) -> None:
        """The PMS's full list: (room, reservation, first, last) for every guest in house."""
        resync_id = self._id()
        events: list[Event] = [ResyncStart(id=self._id(), occurred_at=self.now,
                                           resync_id=resync_id)]
        events += [CheckIn(id=self._id(), occurred_at=self.now, room=room, reservation=res,
                           guests=[Guest(first_name=first, last_name=last)])
                   for room, res, first, last in stays]
        events.append(ResyncEnd(id=self._id(), occurred_at=self.now, resync_id=resync_id))
        self.send(*events)

    # -- time and convergence ----------------------------------------------------------

    def advance(self, **delta: float) -> None:
        self.sandbox.advance(timedelta(**delta).total_seconds())

    async def settle(self) -> None:
        """Let the connector finish everything that is due now."""
        await self.connector.reconciler.drain()

    async def one_pass(self) -> None:
        """One try for every room that is due now, and no more: unlike `settle`, a room whose
        retry comes due while others are still failing waits for the next pass, so tests can
        count tries whatever the machine's speed."""
        reconciler = self.connector.reconciler
        await asyncio.gather(*(reconciler.reconcile_room(r) for r in reconciler.due_rooms()))

    async def retry_round(self) -> None:
        """Let one retry interval pass, then give every room that is due one more try."""
        self.advance(seconds=self.settings.scheduling.retry_interval_seconds)
        await self.one_pass()

    # -- what the connector reports ----------------------------------------------------

    def status(self, event: Event) -> EventStatus:
        status = self.connector.store.event_status(event.id)
        assert status is not None, f"event {event.id} was never received"
        return status

    def failure(self, room: str) -> Failure | None:
        return next((f for f in self.connector.store.failures() if f.room == room), None)

    # -- what the guest and the front desk see in Zoom ---------------------------------

    def room_extension(self, room: str) -> int:
        return int(self.connector.room_map[room])

    def zoom_owner(self, room: str) -> User | CommonArea:
        return self.sandbox.owner(self.room_extension(room))

    def user(self, room: str) -> User:
        owner = self.zoom_owner(room)
        assert isinstance(owner, User), f"room {room} is a common area"
        return owner

    def shown_name(self, room: str) -> str:
        return self.zoom_owner(room).display_name

    def presence(self, room: str) -> str:
        return str(self.sandbox.presence(self.user(room).id)["status"])

    def may_call(self, room: str) -> dict[str, Any]:
        owner = self.zoom_owner(room)
        policy = owner.policy if isinstance(owner, CommonArea) else owner.phone.policy  # type: ignore[union-attr]
        return {"international": policy.international_calling,
                "domestic": policy.country_rules.get(self.settings.hotel.country, 1) == 1}

    def leave_voicemail(self, room: str, *, minutes_ago: float = 1) -> str:
        """A caller leaves a message on the room's phone; returns the voicemail's id."""
        return self.sandbox.add_voicemail(self.room_extension(room), minutes_ago=minutes_ago).id

    def voicemail_ids(self, room: str) -> set[str]:
        owner = self.zoom_owner(room)
        return {vm.id for vm in self.sandbox.account.voicemails.values()
                if vm.owner_id == owner.id}

    def calls(self, endpoint: str, *, since: int = 0) -> int:
        """Calls Zoom accepted on `endpoint` (after the log position `since`)."""
        return len([e for e in self.sandbox.log.entries(endpoint)
                    if e.status < 300 and e.seq > since])

    def mark(self) -> int:
        """The request log's current position, for `calls(..., since=)` and `calls_since`."""
        entries = self.sandbox.log.entries()
        return entries[-1].seq if entries else 0

    def calls_since(self, mark: int) -> dict[str, int]:
        """Every API call Zoom answered after `mark`, by endpoint (token requests aside)."""
        counts: dict[str, int] = {}
        for entry in self.sandbox.log.entries():
            if entry.seq > mark and entry.endpoint != "oauth_token":
                name = f"{entry.endpoint} {entry.status}" if entry.status >= 300 else str(
                    entry.endpoint)
                counts[name] = counts.get(name, 0) + 1
        return counts

    def refused_calls(self) -> list[str]:
        """Every API call Zoom refused or failed: `endpoint status`."""
        return [f"{e.endpoint} {e.status}" for e in self.sandbox.log.entries()
                if e.status >= 400 and e.endpoint != "oauth_token"]


def scenario_settings(sandbox: Sandbox, tmp_path: Path, **env: str) -> Settings:
    room_map = sandbox.hotel.write_room_map(tmp_path / "rooms.csv")
    values = {
        **sandbox.environment(str(room_map)),
        "CONNECTOR_STORE__PATH": str(tmp_path / "connector.sqlite3"),
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0",
        "CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS": "0.1",
        # Scenarios move the clock by days; a directory that lapsed would be re-listed on
        # every settle after that (slow, and beside the point of the scenario).
        "CONNECTOR_SCHEDULING__DIRECTORY_REFRESH_MINUTES": "10080",
        **env,
    }
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, values):
        return load_settings(_env_file=None)


@asynccontextmanager
async def open_hotel(tmp_path: Path, config: SandboxConfig | None = None,
                     **env: str) -> AsyncIterator[Hotel]:
    sandbox = Sandbox(config or SandboxConfig())
    checker = SpecChecker(sandbox.app(), ZoomSpec.load())
    async with SandboxServer(sandbox, app=checker) as server:
        settings = scenario_settings(sandbox, tmp_path, **env)
        connector = await Connector.open(settings, clock=sandbox.clock,
                                         registry=CollectorRegistry())
        hotel = Hotel(sandbox, server, settings, settings.store.path, connector)
        try:
            yield hotel
        finally:
            await hotel.connector.close()
    assert not checker.violations, "\n\n".join(checker.violations)


async def reopen(hotel: Hotel) -> None:
    """Restart the connector on the same store, as after a crash or a deploy."""
    await hotel.connector.close()
    hotel.connector = await Connector.open(hotel.settings, clock=hotel.sandbox.clock,
                                           registry=CollectorRegistry())
