"""The two cloud PMSs of `bench/cloud_pms_rush.py`, each as its emulator served on loopback,
its front desk, its delivery faults and the connector's real adapter for it.

Time compression (`k`): both sides' per-second limits are multiplied by k, the connector's
(`requests_per_second` x k, past the settings' validation on purpose: a copy of the hotel's
settings, never the file) and the emulator's (OHIP's 50 a second before delaying, Cloudbeds'
5 before suspending), and the faults' own time constants (lateness, Cloudbeds' webhook
retries) are divided by k. Every figure is then read in real seconds x k.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from typing import Protocol

import uvicorn
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from connector.clock import Clock
from connector.pms.cloud.contract import CloudPms, Notice, NoticeSink
from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from connector.sandbox.cloudbeds.emulator import (
    DEFAULT_API_KEY,
    CloudbedsEmulator,
    serve_cloudbeds,
)
from connector.sandbox.cloudbeds.state import Status
from connector.sandbox.cloudbeds.webhooks_out import WebhookFaults
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.server import OhipServer
from connector.sandbox.ohip.stream_faults import StreamFaults
from connector.sandbox.ohip.stream_server import stream_routes
from connector.sandbox.server import LOOPBACK, _listen, _QuietServer
from connector.settings import Settings

WEBHOOK_SECRET = "bench-" + "c" * 40  # the Cloudbeds webhook door's path secret


@dataclass(frozen=True, slots=True)
class Faults:
    """What goes wrong with the vendor's notifications, as fractions (unscaled seconds)."""

    lose: float
    duplicate: float
    late: float
    late_seconds: float


@dataclass(frozen=True, slots=True)
class Occupant:
    """Who the PMS says is in a room."""

    first: str
    last: str
    reservation: str


@dataclass(frozen=True, slots=True)
class PmsCall:
    """One request the emulator answered (its clock)."""

    monotonic: float
    operation: str
    status: int


class Vendor(Protocol):
    """What the bench needs of either PMS."""

    name: str
    limit: int  # the vendor's published requests a second (unscaled)
    rate: int  # the connector's own requests a second to it (unscaled)
    subject: Callable[[Notice], str | None]  # what a thin notice needs read back

    def running(self) -> contextlib.AbstractAsyncContextManager[None]: ...

    def environment(self) -> dict[str, str]: ...

    def adapter(self, settings: Settings, *, tz: tzinfo, clock: Clock,
                registry: CollectorRegistry) -> CloudPms: ...

    async def serve_webhooks(self, adapter: CloudPms, sink: NoticeSink) -> None: ...

    def check_in(self, room: str, first: str, last: str) -> None: ...

    def check_out(self, room: str) -> None: ...

    def move(self, room: str, to: str) -> None: ...

    def truth(self) -> dict[str, Occupant]: ...

    def calls(self) -> list[PmsCall]: ...

    def clear_calls(self) -> None: ...

    def refusals(self) -> tuple[int, str]: ...

    def page_size(self) -> int: ...

    async def idle(self) -> None: ...


# -- OPERA Cloud through OHIP ----------------------------------------------------------------


@dataclass
class OhipVendor:
    """An OHIP emulator with its stream (`StreamFaults`) on loopback."""

    rooms: list[str]
    clock: Clock
    faults: Faults
    k: float
    rate: int  # CONNECTOR_OHIP__REQUESTS_PER_SECOND (unscaled)
    name: str = "ohip"
    limit: int = 50
    emulator: OhipEmulator = field(init=False)
    server: OhipServer = field(init=False)
    _in: dict[str, str] = field(default_factory=dict)  # room -> reservation id

    def __post_init__(self) -> None:
        self.emulator = OhipEmulator(rooms=self.rooms, clock=self.clock,
                                     per_second=int(self.limit * self.k),
                                     delay_seconds=1.0 / self.k)
        stream = StreamFaults(lose=self.faults.lose, duplicate=self.faults.duplicate,
                              late=self.faults.late,
                              late_seconds=self.faults.late_seconds / self.k)
        routes = stream_routes(self.emulator.log, auth=self.emulator.check_token,
                               faults=stream, app_key=self.emulator.auth.credentials.app_key)
        self.server = OhipServer(self.emulator, extra_routes=routes)

    @staticmethod
    def subject(notice: Notice) -> str | None:
        """A reservation event names what changed, not the guests: its reservation must be
        read; a room status carries its news (None)."""
        if notice.name == "UPDATE ROOM STATUS":
            return None
        return str(notice.body.get("primaryKey") or notice.key)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.server:
            yield

    def environment(self) -> dict[str, str]:
        creds = self.emulator.auth.credentials
        return {"CONNECTOR_PMS__KIND": "ohip",
                "CONNECTOR_OHIP__GATEWAY_URL": self.server.base_url,
                "CONNECTOR_OHIP__CLIENT_ID": creds.client_id,
                "CONNECTOR_OHIP__CLIENT_SECRET": creds.client_secret,
                "CONNECTOR_OHIP__APP_KEY": creds.app_key,
                "CONNECTOR_OHIP__HOTEL_ID": self.emulator.hotel_id,
                "CONNECTOR_OHIP__CHAIN_CODE": self.emulator.chain_code,
                "CONNECTOR_OHIP__EXTERNAL_SYSTEM_CODE": self.emulator.external_systems[0],
                "CONNECTOR_OHIP__REQUESTS_PER_SECOND": str(self.rate)}

    def adapter(self, settings: Settings, *, tz: tzinfo, clock: Clock,
                registry: CollectorRegistry) -> CloudPms:
        ohip = settings.ohip.model_copy(
            update={"requests_per_second": max(1, int(self.rate * self.k))})
        return OhipPms(ohip, OhipClient(ohip, clock=clock), tz=tz, clock=clock)

    async def serve_webhooks(self, adapter: CloudPms, sink: NoticeSink) -> None:
        return None  # OHIP's events are streamed to the connector

    def check_in(self, room: str, first: str, last: str) -> None:
        today = self.emulator.state.business_date()
        stay = self.emulator.state.create_reservation(
            first, last, room=room, departure=today + timedelta(days=2))
        self.emulator.state.check_in(stay.id)
        self._in[room] = stay.id

    def check_out(self, room: str) -> None:
        self.emulator.state.check_out(self._in.pop(room))

    def move(self, room: str, to: str) -> None:
        reservation = self._in.pop(room)
        self.emulator.state.move(reservation, to)
        self._in[to] = reservation

    def truth(self) -> dict[str, Occupant]:
        return {r.room: Occupant(r.guest.given_name, r.guest.surname, r.id)
                for r in self.emulator.state.in_house() if r.room}

    def calls(self) -> list[PmsCall]:
        return [PmsCall(e.monotonic, e.operation or e.path, e.status)
                for e in self.emulator.requests.entries()]

    def clear_calls(self) -> None:
        self.emulator.requests.clear()
        self.emulator.limit.delayed = 0

    def refusals(self) -> tuple[int, str]:
        return self.emulator.delayed, "requests delayed 1 s by OHIP's limit"

    def page_size(self) -> int:
        return 100  # the adapter's InHouse page (OHIP's `limit`)

    async def idle(self) -> None:
        return None  # the stream is read by the connector; the door tells when it is quiet


# -- Cloudbeds -------------------------------------------------------------------------------


@dataclass
class CloudbedsVendor:
    """A Cloudbeds emulator posting its webhooks (`WebhookFaults`) to the connector's
    webhook door, itself served on loopback as `connector serve` would."""

    rooms: list[str]
    clock: Clock
    faults: Faults
    k: float
    name: str = "cloudbeds"
    limit: int = 5
    rate: int = 5  # CONNECTOR_CLOUDBEDS__REQUESTS_PER_SECOND's default: the limit itself
    emulator: CloudbedsEmulator = field(init=False)
    api_url: str = ""
    _socket_port: int = 0
    _webhooks: _QuietServer | None = None
    _webhook_task: asyncio.Task[None] | None = None
    _in: dict[str, str] = field(default_factory=dict)  # room -> reservationID

    def __post_init__(self) -> None:
        webhooks = WebhookFaults(lose=self.faults.lose, duplicate=self.faults.duplicate,
                                 late=self.faults.late,
                                 late_seconds=self.faults.late_seconds / self.k,
                                 backoff_seconds=0.5 / self.k)
        self.emulator = CloudbedsEmulator(clock=self.clock, rooms=self.rooms,
                                          limit=int(self.limit * self.k), faults=webhooks)
        self._socket = _listen(LOOPBACK, 0)

    @staticmethod
    def subject(notice: Notice) -> str | None:
        """A reservation notice is thin (ids and a status): its reservation must be read; a
        room condition names the room by its id, which the room map (read at start) knows."""
        if notice.name.startswith("housekeeping/"):
            return None
        return str(notice.body.get("reservationID") or notice.key)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        try:
            async with serve_cloudbeds(self.emulator) as server:
                self.api_url = server.api_url
                yield
        finally:
            if self._webhooks is not None and self._webhook_task is not None:
                self._webhooks.should_exit = True
                await self._webhook_task
            self._socket.close()

    def environment(self) -> dict[str, str]:
        port = self._socket.getsockname()[1]
        return {"CONNECTOR_PMS__KIND": "cloudbeds",
                "CONNECTOR_CLOUDBEDS__API_URL": self.api_url,
                "CONNECTOR_CLOUDBEDS__API_KEY": DEFAULT_API_KEY,
                "CONNECTOR_CLOUDBEDS__PROPERTY_ID": self.emulator.state.property_id,
                "CONNECTOR_CLOUDBEDS__PUBLIC_URL": f"http://{LOOPBACK}:{port}",
                "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": WEBHOOK_SECRET}

    def adapter(self, settings: Settings, *, tz: tzinfo, clock: Clock,
                registry: CollectorRegistry) -> CloudPms:
        cloudbeds = settings.cloudbeds.model_copy(
            update={"requests_per_second": max(1, int(self.rate * self.k))})
        return CloudbedsPms(cloudbeds, tz=tz, clock=clock, registry=registry)

    async def serve_webhooks(self, adapter: CloudPms, sink: NoticeSink) -> None:
        """The connector's webhook door, on the socket its public URL names."""
        config = uvicorn.Config(Starlette(routes=adapter.routes(sink)), lifespan="off",
                                access_log=False, log_config=None, log_level="warning",
                                timeout_graceful_shutdown=1)
        self._webhooks = _QuietServer(config)
        self._webhook_task = asyncio.create_task(self._webhooks.serve(sockets=[self._socket]))
        while not self._webhooks.started:  # noqa: ASYNC110 - uvicorn sets a flag
            await asyncio.sleep(0.005)

    def check_in(self, room: str, first: str, last: str) -> None:
        today = self.clock.now().date()
        stay = self.emulator.state.create_reservation(first, last, today,
                                                      today + timedelta(days=2), room=room)
        self.emulator.state.check_in(stay.reservation_id)
        self._in[room] = stay.reservation_id

    def check_out(self, room: str) -> None:
        self.emulator.state.check_out(self._in.pop(room))

    def move(self, room: str, to: str) -> None:
        reservation = self._in.pop(room)
        self.emulator.state.move(reservation, to)
        self._in[to] = reservation

    def truth(self) -> dict[str, Occupant]:
        state = self.emulator.state
        found = {}
        for r in state.reservations.values():
            if r.status is Status.CHECKED_IN and r.room_id is not None:
                main = r.main_guest
                found[state.rooms[r.room_id].name] = Occupant(main.first_name, main.last_name,
                                                              r.reservation_id)
        return found

    def calls(self) -> list[PmsCall]:
        return [PmsCall(e.monotonic, e.path.lstrip("/"), e.status)
                for e in self.emulator.gate.log]

    def clear_calls(self) -> None:
        self.emulator.gate.log.clear()

    def refusals(self) -> tuple[int, str]:
        return self.emulator.suspensions, "suspensions of the API key"

    def page_size(self) -> int:
        return 100  # getGuestsByStatus' largest page

    async def idle(self) -> None:
        await self.emulator.webhooks.idle()

