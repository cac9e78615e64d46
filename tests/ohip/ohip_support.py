"""An emulated OHIP gateway on a real loopback socket, and a sink that stores like the door."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from connector.pms.cloud.contract import Notice
from connector.sandbox.ohip.event_log import Detail, OhipEventLog
from connector.sandbox.server import LOOPBACK, _listen, _QuietServer
from connector.settings.cloud_pms import OhipSettings
from connector.store import StoreError

APP_KEY = "5f2b8c9e-1d3a-4b6c-8e7f-0a1b2c3d4e5f"
TOKEN = "a-valid-token"
AT = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)


def event_log() -> OhipEventLog:
    return OhipEventLog(hotel_id="HOTEL1", chain_code="CHAIN")


def check_in(log: OhipEventLog, reservation: str, room: str) -> None:
    log.append("RESERVATION", "CHECK IN", reservation, [Detail("ROOMNO", None, room)], at=AT)


def settings(gateway: str) -> OhipSettings:
    return OhipSettings(gateway_url=gateway, client_id="Hotel_Client", client_secret="s3cret",
                        app_key=APP_KEY, hotel_id="HOTEL1", chain_code="CHAIN",
                        external_system_code="ZOOMPHONE")


def valid(token: str) -> bool:
    return token == TOKEN


async def token() -> str:
    return TOKEN


@contextlib.asynccontextmanager
async def gateway(routes: Sequence[BaseRoute]) -> AsyncIterator[str]:
    """Serve `routes` with uvicorn on loopback, as the sandbox does (WebSockets by the
    `websockets` package, which uvicorn picks when it is installed);
    yields the gateway's http:// address."""
    sock = _listen(LOOPBACK, 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(Starlette(routes=list(routes)), lifespan="off", access_log=False,
                            log_config=None, log_level="warning",
                            timeout_graceful_shutdown=1)
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


class Sink:
    """The door's `NoticeSink` in memory: a known key is skipped; the offset moves with the
    notices it covers; `fail_next` makes the next accept fail as a full disk would."""

    def __init__(self) -> None:
        self.notices: list[Notice] = []
        self.stored_offset: str | None = None
        self.commits = 0
        self.gaps: list[str] = []
        self.fail_next = False
        self.offered: list[str] = []  # every key handed over, duplicates included

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        self.offered.extend(n.key for n in notices)
        if self.fail_next:
            self.fail_next = False
            raise StoreError("disk full", path="/data/connector.db")
        known = {n.key for n in self.notices}
        new = [n for n in notices if n.key not in known]
        self.notices.extend(new)
        if offset is not None:
            self.stored_offset = offset
        self.commits += 1
        return len(new)

    def offset(self) -> str | None:
        return self.stored_offset

    def gap(self, reason: str) -> None:
        self.gaps.append(reason)

    def reservations(self) -> list[str]:
        return [str(n.body.get("primaryKey") or _polled_key(n.body)) for n in self.notices]


def _polled_key(body: Mapping[str, object]) -> str:
    event = body.get("businessEvent")
    header = event.get("header") if isinstance(event, dict) else None
    return str(header.get("primaryKey")) if isinstance(header, dict) else ""
