"""A hotel on Cloudbeds, end to end over loopback: the emulated Zoom, the Cloudbeds emulator
and `connector serve`'s own Service with the real Cloudbeds adapter, all on one sandbox clock.

Every request the adapter sends and every answer it gets is checked against Cloudbeds'
published spec (an httpx event hook on the adapter's client), and every webhook body the
emulator posts against the webhook schema; the hotel fails the test at the end if any was off.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import CollectorRegistry

from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.cloudbeds import (
    CloudbedsEmulator,
    CloudbedsServer,
    WebhookFaults,
    serve_cloudbeds,
)
from connector.sandbox.cloudbeds.state import Reservation
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import Settings
from connector.web.routes_zoom import ZOOM_EVENTS_PATH
from tests.cloudbeds_spec import FORM, CloudbedsSpec, SpecViolation, check_webhook
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

API_KEY = "cbat_harbour_view_e2e_key"
PROPERTY = "4242"
SECRET = "harbour-view-webhook-secret-0123456789"
ZOOM_TOKEN = "zoom-app-secret-token"


def free_port() -> int:
    """A loopback port nobody holds now (the connector's public address must be known before
    it starts: Cloudbeds is told it when the webhooks are subscribed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SpecHooks:
    """httpx event hooks checking each exchange against Cloudbeds' spec; what was off is kept
    (raising inside the adapter would only look like a Cloudbeds failure)."""

    spec: CloudbedsSpec
    violations: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # "GET /getReservation", in order
    lose_answer_of: set[str] = field(default_factory=set)  # operations whose next answer is lost

    async def request(self, request: httpx.Request) -> None:
        operation = request.url.path.rsplit("/", 1)[-1]
        self.requests.append(f"{request.method} /{operation}")
        try:
            self.spec.validate_request(
                request.method, request.url.path, dict(request.url.params),
                request.content or None,
                content_type=request.headers.get("content-type", FORM))
        except SpecViolation as error:
            self.violations.append(str(error))

    async def response(self, response: httpx.Response) -> None:
        await response.aread()
        try:
            self.spec.validate_response(response.request.method, response.request.url.path,
                                        response.status_code, response.json())
        except (SpecViolation, ValueError) as error:
            self.violations.append(str(error))
        operation = "/" + response.request.url.path.rsplit("/", 1)[-1]
        if operation in self.lose_answer_of:
            # Cloudbeds did it; its answer never reaches the connector.
            self.lose_answer_of.discard(operation)
            raise httpx.ReadTimeout("the answer was lost on the way", request=response.request)

    def hooks(self) -> dict[str, list[Any]]:
        return {"request": [self.request], "response": [self.response]}


@dataclass
class CloudbedsHotel:
    sandbox: Sandbox
    emulator: CloudbedsEmulator
    cloudbeds: CloudbedsServer
    settings: Settings
    connector: Connector
    service: Service
    adapter: CloudbedsPms
    hooks: SpecHooks
    web: str

    # The front desk, in Cloudbeds

    def arrive(self, first: str, last: str, room: str,
               sharers: tuple[tuple[str, str], ...] = ()) -> Reservation:
        """A booking for tonight, checked in to `room` at the desk."""
        today = self.sandbox.clock.now().date()
        booking = self.emulator.state.create_reservation(
            first, last, today, today + timedelta(days=2), room=room, sharers=sharers)
        return self.emulator.state.check_in(booking.reservation_id)

    def arrive_unannounced(self, first: str, last: str, room: str,
                           sharers: tuple[tuple[str, str], ...] = ()) -> Reservation:
        """The same, with no webhook: as if it happened while the connector was away."""
        notify, self.emulator.state.notify = self.emulator.state.notify, None
        try:
            return self.arrive(first, last, room, sharers)
        finally:
            self.emulator.state.notify = notify

    # What the phones show

    def extension(self, room: str) -> int:
        return int(self.connector.room_map[room])

    def shown(self, room: str) -> str:
        return self.sandbox.owner(self.extension(room)).display_name

    def shows(self, room: str, name: str) -> bool:
        """The room phone shows the guest's name (Zoom adds the extension after it)."""
        return self.shown(room).startswith(f"{name} ")

    def occupied(self, room: str) -> bool:
        state = self.connector.store.room(room)
        return state is not None and state.occupied

    def may_call_abroad(self, room: str) -> bool:
        owner = self.sandbox.owner(self.extension(room))
        phone = getattr(owner, "phone", None)
        policy = phone.policy if phone is not None else getattr(owner, "policy", None)
        assert policy is not None
        return bool(policy.international_calling)

    async def settled(self, within: float = 20.0) -> None:
        """Until every webhook is posted and every notice applied (Zoom follows: wait for
        what it shows with `until`; a few of the demo hotel's phones refuse changes on
        purpose, so "every room confirmed" never comes)."""
        await self.emulator.webhooks.idle()
        await until(lambda: self.connector.store.cloud_notices.counts().pending == 0,
                    within=within)

    async def webhooks_delivered(self) -> None:
        await self.emulator.webhooks.idle()

    def ask_resync(self) -> None:
        """`connector sync --pms`, as the command leaves it for the running service."""
        self.connector.store.set_meta(RESYNC_REQUEST_KEY, "connector sync --pms")

    def webhook_problems(self) -> list[str]:
        problems = []
        for delivery in self.emulator.webhooks.deliveries:
            try:
                check_webhook(delivery.body)
            except SpecViolation as error:
                problems.append(str(error))
        return problems


def cloudbeds_env(cloudbeds: CloudbedsServer, public_url: str, **extra: str) -> dict[str, str]:
    return {
        "CONNECTOR_PMS__KIND": "cloudbeds",
        "CONNECTOR_CLOUDBEDS__API_URL": cloudbeds.api_url,
        "CONNECTOR_CLOUDBEDS__API_KEY": API_KEY,
        "CONNECTOR_CLOUDBEDS__PROPERTY_ID": PROPERTY,
        "CONNECTOR_CLOUDBEDS__PUBLIC_URL": public_url,
        "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": SECRET,
        "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN": ZOOM_TOKEN,
        **extra,
    }


def emulator_for(sandbox: Sandbox, faults: WebhookFaults | None = None) -> CloudbedsEmulator:
    """The property in Cloudbeds: the demo hotel's rooms, named by their numbers."""
    return CloudbedsEmulator(clock=sandbox.clock, api_key=API_KEY, property_id=PROPERTY,
                             rooms=[entry.room for entry in sandbox.hotel.rooms],
                             faults=faults)


@contextlib.asynccontextmanager
async def open_cloudbeds_hotel(tmp_path: Path, *, faults: WebhookFaults | None = None,
                               from_settings: bool = False,
                               **env: str) -> AsyncIterator[CloudbedsHotel]:
    """The hotel running; the connector subscribed and resynced once before it is yielded.
    Fails at the end on any exchange or webhook body off Cloudbeds' spec. `from_settings`:
    the adapter is the one CONNECTOR_PMS__KIND builds, as `connector serve` does (its
    requests are then not seen by the spec hooks)."""
    sandbox = Sandbox(SandboxConfig())
    emulator = emulator_for(sandbox, faults)
    hooks = SpecHooks(CloudbedsSpec.load())
    port = free_port()
    web = f"http://127.0.0.1:{port}"
    async with SandboxServer(sandbox), serve_cloudbeds(emulator) as cloudbeds:
        settings = scenario_settings(sandbox, tmp_path, CONNECTOR_SERVER__PORT=str(port),
                                     **cloudbeds_env(cloudbeds, web, **env))
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        given = None if from_settings else CloudbedsPms(
            settings.cloudbeds, tz=ZoneInfo(settings.hotel.timezone), clock=sandbox.clock,
            registry=registry, event_hooks=hooks.hooks())
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          cloud_pms=given)
        assert service.cloud is not None
        adapter = service.cloud.adapter
        assert isinstance(adapter, CloudbedsPms)
        running = asyncio.create_task(service.run())
        try:
            await until(lambda: service.web.started, within=10)
            await sandbox.webhooks.subscribe(f"{web}{ZOOM_EVENTS_PATH}", ZOOM_TOKEN)
            door = service.cloud
            await until(lambda: door.status().last_resync_at is not None, within=20)
            hotel = CloudbedsHotel(sandbox, emulator, cloudbeds, settings, connector, service,
                                   adapter, hooks, web)
            yield hotel
        finally:
            service.stop.set()
            await asyncio.wait_for(running, 20)
    problems = hooks.violations + hotel.webhook_problems()
    assert not problems, "\n\n".join(problems)
