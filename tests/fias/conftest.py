"""Fixtures for the FIAS tests over real sockets: a simulated PMS and the connector's link."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from connector.pms.fias.codec import Record
from connector.pms.fias.config import AliveCheck, AliveRecord, LinkConfig
from connector.pms.fias.link_events import RecordReceived
from connector.pms.fias.session import AppEvent
from connector.pms.fias.transport import FiasClient, FiasServer
from connector.sandbox.fias_pms import FiasPms, PmsConfig

HOTEL = ZoneInfo("Europe/Rome")
# Short timers: the timer logic is tested without sockets; these only keep tests quick.
# Oracle's alive check (LS answered by LA), scaled down.
FAST = LinkConfig(alive=AliveCheck(AliveRecord.LS, 5.0, 15.0, answer_la=False),
                  self_start_after=0.3, ack_timeout=0.3)

E = TypeVar("E")


def hotel_now() -> datetime:
    return datetime.now(HOTEL)


class Watcher:
    """Reads a link endpoint's events and waits for the kind a test expects."""

    def __init__(self, endpoint: FiasClient | FiasServer) -> None:
        self._events = endpoint.events().__aiter__()
        self.seen: list[AppEvent] = []

    async def next(self, within: float = 5.0) -> AppEvent:
        event = await asyncio.wait_for(anext(self._events), within)
        self.seen.append(event)
        return event

    async def record(self, record_type: str, within: float = 5.0) -> Record:
        """The next record of this type the PMS sent (others are skipped)."""
        async with asyncio.timeout(within):
            while True:
                event = await self.until(RecordReceived, within)
                if event.record.type == record_type:
                    return event.record

    async def until(self, kind: type[E], within: float = 5.0) -> E:
        async with asyncio.timeout(within):
            while True:
                event = await self.next(within)
                if isinstance(event, kind):
                    return event


@pytest.fixture
async def pms() -> AsyncIterator[FiasPms]:
    sim = FiasPms(local_time=hotel_now)
    yield sim
    await sim.close()


def make_pms(**settings: object) -> FiasPms:
    return FiasPms(PmsConfig(**settings), local_time=hotel_now)  # type: ignore[arg-type]


@asynccontextmanager
async def running_client(
    port: int, *, tls: ssl.SSLContext | None = None, **settings: object
) -> AsyncIterator[FiasClient]:
    client = FiasClient("127.0.0.1", port, config=replace(FAST, **settings),  # type: ignore[arg-type]
                        tz=HOTEL, backoff_initial=0.05, backoff_max=0.2,
                        ssl_context=tls, server_hostname="localhost")
    task = asyncio.create_task(client.run())
    try:
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 5)


@asynccontextmanager
async def running_server(
    *, tls: ssl.SSLContext | None = None, **settings: object
) -> AsyncIterator[FiasServer]:
    server = FiasServer("127.0.0.1", 0, config=replace(FAST, **settings),  # type: ignore[arg-type]
                        tz=HOTEL, ssl_context=tls)
    await server.start()
    task = asyncio.create_task(server.run())
    try:
        yield server
    finally:
        await server.close()
        await asyncio.wait_for(task, 5)
