"""A hotel for the web tests: the emulated Zoom in-process, the connector pointed at it, the
web app in front, and a PMS that posts signed requests to it (over ASGI, no sockets).

The app judges timestamps by the sandbox's clock, so `pms.advance(...)` moves the hotel, Zoom
and the signature window together."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from connector.ivr.metrics import IvrMetrics
from connector.ivr.status_recorder import StatusRecorder
from connector.pms.reporter import Reporter
from connector.sandbox import Sandbox, SandboxConfig
from connector.service import Connector
from connector.settings import Settings, load_settings
from connector.web import ReadinessCheck, create_app, signature_headers
from connector.web.console.parts import ConsoleParts
from connector.zoom.limiter import Limiters

SECRET = "harbour-view-webhook-secret-2026"
OLD_SECRET = "harbour-view-webhook-secret-2025"
JSON = {"Content-Type": "application/json"}

_ids = itertools.count(1)


def new_id() -> str:
    return f"pms-{next(_ids)}"


# -- events as a PMS writes them (JSON objects) --------------------------------------------

def check_in(room: str = "101", *, event_id: str | None = None, first: str = "Ada",
             last: str = "Lovelace", **extra: Any) -> dict[str, Any]:
    return {"type": "check_in", "id": event_id or new_id(),
            "occurred_at": "2026-03-02T09:00:00+00:00", "room": room,
            "reservation": f"R-{room}", "guests": [{"first_name": first, "last_name": last}],
            **extra}


def dnd(room: str = "101", *, on: bool = True, event_id: str | None = None) -> dict[str, Any]:
    return {"type": "dnd", "id": event_id or new_id(),
            "occurred_at": "2026-03-02T09:01:00+00:00", "room": room, "on": on}


def check_out(room: str = "101", *, event_id: str | None = None) -> dict[str, Any]:
    return {"type": "check_out", "id": event_id or new_id(),
            "occurred_at": "2026-03-02T09:02:00+00:00", "room": room,
            "reservation": f"R-{room}"}


def batch(*events: dict[str, Any]) -> dict[str, Any]:
    return {"events": list(events)}


def encode(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


@dataclass
class Hotel:
    sandbox: Sandbox
    settings: Settings
    connector: Connector
    registry: CollectorRegistry
    app: FastAPI
    http: httpx.AsyncClient
    # The console's reporter (no channel: reports stay in the outbox) and housekeeping.
    parts: ConsoleParts | None = None

    @property
    def now(self) -> int:
        return int(self.sandbox.clock.now().timestamp())

    def advance(self, seconds: float) -> None:
        self.sandbox.advance(seconds)

    def signed(self, body: bytes, *, secrets: Sequence[str] = (SECRET,),
               timestamp: int | None = None) -> dict[str, str]:
        return signature_headers(body, list(secrets), self.now if timestamp is None else timestamp)

    async def send(self, body: Any, *, secrets: Sequence[str] = (SECRET,),
                   timestamp: int | None = None,
                   headers: Mapping[str, str] | None = None) -> httpx.Response:
        """POST `body` (a JSON value, or raw bytes), signed unless `headers` replace it."""
        raw = encode(body)
        sent = {**JSON, **self.signed(raw, secrets=secrets, timestamp=timestamp),
                **(headers or {})}
        return await self.http.post("/v1/pms/events", content=raw, headers=sent)

    async def status(self, event_id: str, **signing: Any) -> httpx.Response:
        return await self.http.get(f"/v1/events/{event_id}", headers=self.signed(b"", **signing))

    def stored(self) -> int:
        """Events in the connector's inbox."""
        return self.connector.store.counts().events

    async def settle(self) -> None:
        await self.connector.reconciler.drain()


def hotel_settings(sandbox: Sandbox, folder: Path, **env: str) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    room_map = sandbox.hotel.write_room_map(folder / "rooms.csv")
    values = {
        **sandbox.environment(str(room_map)),
        "CONNECTOR_STORE__PATH": str(folder / "connector.sqlite3"),
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0",
        "CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS": "0.1",
        "CONNECTOR_WEBHOOK__SECRET": SECRET,
        **env,
    }
    with mock.patch.dict(os.environ, values):
        return load_settings(_env_file=None)


@asynccontextmanager
async def open_hotel(folder: Path, *, readiness_checks: Sequence[ReadinessCheck] = (),
                     **env: str) -> AsyncIterator[Hotel]:
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, rate_limits=False))
    settings = hotel_settings(sandbox, folder, **env)
    registry = CollectorRegistry()
    connector = await Connector.open(
        settings, clock=sandbox.clock, registry=registry,
        transport=httpx.ASGITransport(app=sandbox.app()),
        # Zoom's pacing is not what these tests are about (its buckets run on real time).
        limiters=Limiters(settings.zoom.plan, settings.zoom.rate_limit_share, sandbox.clock,
                          speedup=1000),
    )
    # Reports to the PMS are kept in the outbox (no channel here): tests read them there.
    tz = ZoneInfo(settings.hotel.timezone)
    reporter = Reporter(connector.store, None, tz=tz, clock=sandbox.clock)
    # The room page's actions and Health: the same reporter, housekeeping as the phone does.
    parts = ConsoleParts(reporter=reporter, readiness=list(readiness_checks),
                         recorder=StatusRecorder(connector.store, connector.ingest, reporter,
                                                 IvrMetrics(registry)))
    app = create_app(lambda: connector, settings.webhook, clock=sandbox.clock,
                     registry=registry, readiness_checks=readiness_checks,
                     console=settings.console, hotel_tz=tz, reporter=reporter,
                     console_parts=parts)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://connector") as http:
            yield Hotel(sandbox, settings, connector, registry, app, http, parts)
    finally:
        await connector.close()
