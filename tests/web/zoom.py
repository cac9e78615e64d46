"""Zoom's side of the web tests: the hotel's app with Zoom's door open, and Zoom posting
signed events to it (over ASGI, no sockets). Reports to the PMS are kept (no channel), so a
test reads them from the outbox as the PMS would receive them."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.guest_service.presence_intake import PresenceIntake
from connector.pms.reporter import Reporter
from connector.pms.reports import fias_record
from connector.sandbox.state import User
from connector.web import create_app
from connector.web.routes_zoom import ZoomDoor
from connector.web.zoom_signing import zoom_headers
from connector.zoom.webhooks import PRESENCE_UPDATED
from tests.support.outbox import kept_reports
from tests.web.pms import JSON, Hotel

SECRET_TOKEN = "zoom-app-secret-token-harbour"

_ts = itertools.count(1)


@dataclass
class Zoom:
    """Zoom, as far as its webhooks go, pointed at the hotel's connector."""

    hotel: Hotel
    http: httpx.AsyncClient
    registry: CollectorRegistry

    async def post(self, body: Any, *, secret: str = SECRET_TOKEN, timestamp: int | None = None,
                   headers: Mapping[str, str] | None = None) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = zoom_headers(raw, secret, self.hotel.now if timestamp is None else timestamp)
        return await self.http.post("/zoom/events", content=raw,
                                    headers={**JSON, **signed, **(headers or {})})

    def user_of_room(self, room: str) -> User:
        owner = self.hotel.sandbox.owner(int(self.hotel.connector.room_map[room]))
        assert isinstance(owner, User), f"room {room} is a common area"
        return owner

    async def presence(self, room: str, status: str, *, at: datetime | None = None,
                       event_ts: int | None = None) -> httpx.Response:
        """The room phone's user changed presence to `status` (now, unless `at`)."""
        user = self.user_of_room(room)
        return await self.post(presence_event(user.id, user.email, status,
                                              at or self.hotel.sandbox.clock.now(), event_ts))

    def fias_reports(self) -> list[str]:
        """What a FIAS PMS will receive, in order, from what the connector has kept."""
        return [str(fias_record(r, UTC)) for r in kept_reports(self.hotel.connector.store)]

    def counted(self, event: str, outcome: str) -> float:
        value = self.registry.get_sample_value(
            "connector_zoom_webhook_events_total", {"event": event, "outcome": outcome})
        return value or 0.0


def presence_event(user_id: str, email: str | None, status: str, at: datetime,
                   event_ts: int | None = None) -> dict[str, Any]:
    """`user.presence_status_updated` as Zoom sends it."""
    return {
        "event": PRESENCE_UPDATED,
        "event_ts": event_ts if event_ts is not None else next(_ts),
        "payload": {"account_id": "HarbourView", "object": {
            "id": user_id, "email": email,
            "date_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "presence_status": status,
            "app": {"type": "phone", "presence_status": status},
        }},
    }


@asynccontextmanager
async def zoom_for(hotel: Hotel, *, secret_token: str | None = SECRET_TOKEN
                   ) -> AsyncIterator[Zoom]:
    """Zoom posting to the hotel's app, the way `connector serve` wires the door."""
    registry = CollectorRegistry()
    reporter = Reporter(hotel.connector.store, None, tz=UTC, clock=hotel.sandbox.clock)
    door = ZoomDoor(None if secret_token is None else SecretStr(secret_token),
                    {PRESENCE_UPDATED: PresenceIntake(hotel.connector, reporter)})
    app = create_app(lambda: hotel.connector, hotel.settings.webhook, clock=hotel.sandbox.clock,
                     registry=registry, zoom=door)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://connector") as http:
        yield Zoom(hotel, http, registry)
