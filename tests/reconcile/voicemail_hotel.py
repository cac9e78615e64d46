"""A scenario hotel whose Zoom app sends its voicemail webhooks to the connector's Zoom door
(over ASGI, signed by the sandbox), with the nightly sweep at hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.reconcile.voicemail_intake import VoicemailIntake
from connector.reconcile.voicemail_sweep import SweepRun, VoicemailSweep
from connector.sandbox import SandboxConfig
from connector.web import create_app
from connector.web.routes_zoom import ZoomDoor
from connector.zoom.voicemail_events import VOICEMAIL_EVENTS
from tests.scenarios.hotel import Hotel, open_hotel

SECRET_TOKEN = "zoom-app-secret-token-harbour"
DOOR = "http://connector/zoom/events"


@dataclass
class VoicemailHotel:
    hotel: Hotel
    http: httpx.AsyncClient
    registry: CollectorRegistry
    sweep: VoicemailSweep

    async def delivered(self) -> None:
        """Until Zoom's queued webhooks have reached the connector (or were lost)."""
        await self.hotel.sandbox.webhooks.settled()

    async def sweep_now(self) -> SweepRun:
        return await self.sweep.run(self.hotel.now.date())

    def indexed(self, room: str) -> set[str]:
        owner = self.hotel.zoom_owner(room)
        return {vm.voicemail_id for vm in self.hotel.connector.store.voicemails.live(
            owner.id, before=self.hotel.now)}


@asynccontextmanager
async def voicemail_hotel(tmp_path: Path, config: SandboxConfig | None = None,
                          **env: str) -> AsyncIterator[VoicemailHotel]:
    async with open_hotel(tmp_path, config, CONNECTOR_RECONCILE__VOICEMAIL_WEBHOOKS="true",
                          **env) as hotel:
        connector = hotel.connector
        registry = CollectorRegistry()
        door = ZoomDoor(SecretStr(SECRET_TOKEN),
                        dict.fromkeys(VOICEMAIL_EVENTS, VoicemailIntake(connector.store)))
        app = create_app(lambda: connector, hotel.settings.webhook, clock=hotel.sandbox.clock,
                         registry=registry, zoom=door)
        sweep = VoicemailSweep(
            api=connector.api, store=connector.store, directory=connector.directory,
            purger=connector.purger, at="03:00", tz=ZoneInfo(hotel.settings.hotel.timezone),
            clock=hotel.sandbox.clock, registry=registry)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://connector") as http:
            webhooks = hotel.sandbox.webhooks
            await webhooks.stop()  # the served sandbox's own sender: ours posts over ASGI
            async with webhooks.sending(http):
                await webhooks.subscribe(DOOR, SECRET_TOKEN)
                yield VoicemailHotel(hotel, http, registry, sweep)
