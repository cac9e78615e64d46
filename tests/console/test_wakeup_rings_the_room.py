"""A wake-up set at the front desk, end to end through the running service (the one
`connector serve` runs): the console's form over HTTP, the FIAS PMS simulator hearing WR at
once, the room's emulated phone ringing at the time on the sandbox's SIP side (real SIP and
RTP on loopback), and the PMS hearing the one final WA. No browser: the browser tests cover
the form; this one covers the telephone."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry

from connector.cli.demo_day import CALL_SECONDS
from connector.cli.sandbox_cmd import phone_settings
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.server import SandboxServer
from connector.sandbox.sip.calls import Direction, Outcome
from connector.sandbox.sip.side import SipSide
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import load_settings
from connector.web.console.passwords import hash_password
from tests.console.desk import DESK, DESK_PASSWORD
from tests.console.test_over_http import form_token, sign_in
from tests.console.test_wakeups_over_http import request_id
from tests.sandbox.sip.conftest import PHONE_RTP

LEAD = timedelta(seconds=6)  # from setting the wake-up to its time (the clock is moved)


@dataclass
class Running:
    sandbox: Sandbox
    connector: Connector
    pms: FiasPms
    sip: SipSide
    web: str


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    sandbox = Sandbox(SandboxConfig())  # real time flows, as in `connector sandbox`
    pms = FiasPms(local_time=sandbox.clock.now)
    async with SandboxServer(sandbox), SipSide(sandbox, rtp_ports=PHONE_RTP) as sip:
        room_map = sandbox.hotel.write_room_map(tmp_path / "rooms.csv")
        fias_port = await pms.serve()
        settings = load_settings(
            zoom={"account_id": sandbox.config.credentials.account_id,
                  "client_id": sandbox.config.credentials.client_id,
                  "client_secret": sandbox.config.credentials.client_secret,
                  "oauth_url": sandbox.oauth_url},
            rooms={"map_file": room_map}, store={"path": tmp_path / "store.sqlite3"},
            reconcile={"settle_seconds": 0.2},
            fias={"mode": "client", "host": "127.0.0.1", "port": fias_port},
            server={"host": "127.0.0.1", "port": 0}, webhook={"secret": secrets.token_hex(16)},
            **phone_settings(sandbox, sip))
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry)
        task = asyncio.create_task(service.run())
        try:
            async with asyncio.timeout(10):
                while not service.web.started:  # noqa: ASYNC110 - uvicorn has only a flag
                    await asyncio.sleep(0.02)
            port = service.web.servers[0].sockets[0].getsockname()[1]
            await asyncio.wait_for(pms.link_up.wait(), 10)
            yield Running(sandbox, connector, pms, sip, f"http://127.0.0.1:{port}")
        finally:
            service.stop.set()
            await asyncio.wait_for(task, 15)
            await pms.close()


async def test_a_wake_up_set_at_the_desk_is_told_to_the_pms_and_rings_the_room(
        running: Running) -> None:
    await running.pms.send(Record.of("GI", ("RN", "101"), ("G#", "7101"), ("GN", "Lima")))
    assert await running.sip.wait_registered(4, within=10)
    running.connector.store.staff.add(DESK, "desk", hash_password(DESK_PASSWORD))
    async with httpx.AsyncClient(base_url=running.web) as desk:
        await _checked_in(running, "101")
        assert (await sign_in(desk)).status_code == 303
        page = (await desk.get("/console/wakeups")).text
        due = _next_minute(running)
        sent_at = running.sandbox.clock.now()
        done = await desk.post("/console/wakeups", data={
            "csrf_token": form_token(page), "request": request_id(page), "room": "101",
            "time": f"{due:%H:%M}", "date": f"{due:%Y-%m-%d}"})
        assert done.status_code == 303, done.text

    requested = await running.pms.wait_for("WR", lambda r: r.get("RN") == "101", within=10)
    assert requested.get("TI") == f"{due:%H%M%S}" and requested.get("DA") == f"{due:%y%m%d}"
    extension = running.connector.room_map["101"]
    call = await running.sip.calls.wait_for(
        lambda c: c.direction is Direction.TO_ROOM and c.extension == extension
        and c.started_at >= sent_at and c.ended, within=LEAD.total_seconds() + CALL_SECONDS)
    assert call.outcome is Outcome.ANSWERED and call.digits_sent == ["9"]
    answer = await running.pms.wait_for("WA", lambda r: r.get("RN") == "101", within=15)
    assert answer.get("AS") == "OK" and answer.get("TI") == f"{due:%H%M%S}"


async def _checked_in(running: Running, room: str) -> None:
    for _ in range(100):
        state = running.connector.store.room(room)
        if state is not None and state.occupied:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"room {room} was not checked in")


def _next_minute(running: Running) -> datetime:
    """The next whole minute at least LEAD away, with the sandbox clock moved so it is only
    LEAD away (the form takes minutes; the test need not wait for one)."""
    clock = running.sandbox.clock
    due = (clock.now() + LEAD + timedelta(minutes=1)).replace(second=0, microsecond=0)
    clock.advance((due - LEAD - clock.now()).total_seconds())
    return due
