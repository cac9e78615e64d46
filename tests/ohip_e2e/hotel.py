"""A hotel on OPERA Cloud, end to end over loopback sockets: the OHIP emulator (REST, its
stream over a real WebSocket, its dequeue), the real adapter with its client, the cloud door
and a real `connector serve` service on the Zoom emulator.

Every request the adapter sends and every answer it gets is held to Oracle's published
specs by an httpx event hook; every subscription document to OHIP's streaming schema."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import CollectorRegistry

from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.model import Reservation
from connector.sandbox.ohip.server import OhipServer
from connector.sandbox.server import SandboxServer
from connector.sandbox.state import User
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import Settings
from connector.settings.cloud_pms import OhipSettings
from tests.ohip_spec import OhipSpec, SpecViolation, subscription_problems
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until


@dataclass
class Conformance:
    """What the spec oracle found wrong, request or answer (nothing, in a passing test)."""

    spec: OhipSpec = field(default_factory=OhipSpec.load)
    checked: int = 0
    violations: list[str] = field(default_factory=list)

    async def request(self, request: httpx.Request) -> None:
        try:
            self.spec.validate_httpx_request(request)
        except SpecViolation as error:
            self.violations.append(str(error))

    async def response(self, response: httpx.Response) -> None:
        await response.aread()
        try:
            self.spec.validate_httpx_response(response)
        except SpecViolation as error:
            self.violations.append(str(error))
        self.checked += 1

    def http(self, settings: OhipSettings) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=settings.timeout_seconds, event_hooks={
            "request": [self.request], "response": [self.response]})


def ohip_environment(gateway: str, emulator: OhipEmulator, **changes: str) -> dict[str, str]:
    """The CONNECTOR_OHIP__ settings a hotel gets from Oracle, for the emulator."""
    creds = emulator.auth.credentials
    return {"CONNECTOR_PMS__KIND": "ohip", "CONNECTOR_OHIP__GATEWAY_URL": gateway,
            "CONNECTOR_OHIP__CLIENT_ID": creds.client_id,
            "CONNECTOR_OHIP__CLIENT_SECRET": creds.client_secret,
            "CONNECTOR_OHIP__APP_KEY": creds.app_key,
            "CONNECTOR_OHIP__HOTEL_ID": emulator.hotel_id,
            "CONNECTOR_OHIP__CHAIN_CODE": emulator.chain_code,
            "CONNECTOR_OHIP__EXTERNAL_SYSTEM_CODE": "ZOOMPHONE",
            "CONNECTOR_OHIP__CHARGE_TRANSACTION_CODE": "9400",
            "CONNECTOR_OHIP__POLL_SECONDS": "1", **changes}


@dataclass
class OperaHotel:
    zoom: Sandbox
    opera: OhipEmulator
    ohip_url: str
    settings: Settings
    connector: Connector
    service: Service
    pms: OhipPms
    conformance: Conformance
    server: OhipServer
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """`connector serve`'s service, until ready (resynced, the stream subscribed)."""
        self.task = asyncio.create_task(self.service.run())
        cloud = self.service.cloud
        assert cloud is not None
        await until(lambda: cloud.readiness().ok, within=15)

    async def ohip_down(self) -> None:
        """OHIP's gateway goes away: the stream drops, every call fails to connect."""
        await self.server.stop()

    async def ohip_up(self) -> None:
        """OHIP is back at the same address, with every event it kept."""
        port = int(self.ohip_url.rsplit(":", 1)[1])
        self.server = OhipServer(self.opera, port=port, extra_routes=self.opera.event_routes())
        await self.server.start()

    # -- what a guest sees on the room phone ------------------------------------------

    def shown(self, room: str) -> str:
        """The name on the room phone."""
        return self.zoom.owner(int(self.connector.room_map[room])).display_name

    def may_call(self, room: str) -> str:
        owner = self.zoom.owner(int(self.connector.room_map[room]))
        policy = owner.phone.policy if isinstance(owner, User) and owner.phone else getattr(
            owner, "policy", None)
        assert policy is not None
        home = policy.country_rules.get(self.settings.hotel.country, 1) == 1
        return ("international" if policy.international_calling
                else "national" if home else "internal only")

    # -- what the front desk does in OPERA --------------------------------------------

    def arrives(self, first: str, last: str, room: str, **guest: str) -> Reservation:
        reservation = self.opera.state.create_reservation(first, last, room=room, **guest)
        return self.opera.state.check_in(reservation.id)

    async def settled(self, within: float = 15.0) -> None:
        """Until the door applied every stored notice and Zoom has every room."""
        store = self.connector.store
        await until(lambda: store.cloud_notices.counts().pending == 0
                    and not store.counts().dirty, within=within)

    async def shows(self, room: str, name: str, within: float = 15.0) -> None:
        await until(lambda: name in self.shown(room), within=within)

    def applied(self, key_prefix: str = "ohip:") -> list[str]:
        """The keys of the notices applied, in the order received."""
        path = self.settings.store.path
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT key FROM cloud_notices WHERE state = 'applied'"
                                " AND key LIKE ? ORDER BY rowid", (key_prefix + "%",))
            return [row[0] for row in rows]

    def subscription_problems(self) -> list[str]:
        return [problem for document in self.opera.documents
                for problem in subscription_problems(document)]


@contextlib.asynccontextmanager
async def opera_hotel(tmp_path: Path, *, start: bool = True,
                      **env: str) -> AsyncIterator[OperaHotel]:
    """The hotel with the connector running (`start`), stopped and checked at the end:
    no request or answer strayed from Oracle's specs, nor any subscription document."""
    zoom = Sandbox(SandboxConfig(floors=1, rooms_per_floor=8))
    rooms = [room.room for room in zoom.hotel.rooms]
    async with SandboxServer(zoom):
        tz = ZoneInfo(scenario_settings(zoom, tmp_path).hotel.timezone)
        opera = OhipEmulator(clock=zoom.clock, tz=tz, rooms=rooms)
        server = OhipServer(opera, extra_routes=opera.event_routes())
        await server.start()
        settings = scenario_settings(zoom, tmp_path, CONNECTOR_SERVER__PORT="0",
                                     **ohip_environment(server.base_url, opera, **env))
        conformance = Conformance()
        client = OhipClient(settings.ohip, clock=zoom.clock,
                            http=conformance.http(settings.ohip))
        pms = OhipPms(settings.ohip, client, tz=tz, clock=zoom.clock, currency=("EUR", 2))
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=zoom.clock, registry=registry)
        service = Service(settings, connector, clock=zoom.clock, registry=registry,
                          cloud_pms=pms)
        hotel = OperaHotel(zoom, opera, server.base_url, settings, connector, service, pms,
                           conformance, server)
        try:
            if start:
                await hotel.start()
            yield hotel
        finally:
            service.stop.set()
            if hotel.task is not None:
                await asyncio.wait_for(hotel.task, 15)
            else:
                await pms.close()
                await connector.close()
            await hotel.server.stop()
    assert conformance.violations == [], "\n\n".join(conformance.violations)
    assert hotel.subscription_problems() == []
