"""The telephone side of `connector sandbox` end to end: the running service (the one
`connector serve` runs) with the command's own settings, its lines read from the sandbox's
Zoom device and registered to the SIP side, and the demo day's phone steps."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connector.cli.demo_day import DemoDay
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
from tests.sandbox.sip.conftest import PHONE_RTP


@dataclass
class Running:
    sandbox: Sandbox
    pms: FiasPms
    sip: SipSide
    demo: DemoDay
    said: list[str] = field(default_factory=list)


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
            web = f"http://127.0.0.1:{service.web.servers[0].sockets[0].getsockname()[1]}"
            said: list[str] = []
            demo = DemoDay(sandbox, connector, pms, sip, web, "", said.append)
            await asyncio.wait_for(pms.link_up.wait(), 10)
            yield Running(sandbox, pms, sip, demo, said)
        finally:
            service.stop.set()
            await asyncio.wait_for(task, 15)
            await pms.close()


async def test_a_wake_up_set_by_the_pms_rings_the_room_and_is_answered_ok(
        running: Running) -> None:
    await running.demo.fias(Record.of("GI", ("RN", "101"), ("G#", "7101"), ("GN", "Lima")))
    assert await running.sip.wait_registered(4, within=10)
    await running.demo.wakeup_call("101")
    call = running.sip.calls.calls[-1]
    assert (call.direction, call.extension, call.outcome) == (
        Direction.TO_ROOM, "2101", Outcome.ANSWERED)
    assert call.digits_sent == ["9"] and call.ended_by == "connector"
    requested = next(line for line in running.said if "FIAS WR" in line)
    answer = running.pms.received_of("WA")
    assert len(answer) == 1 and answer[0].get("AS") == "OK" and answer[0].get("RN") == "101"
    time = answer[0].get("TI") or ""
    assert f"at {time[:2]}:{time[2:4]};" in requested and time.endswith("00")


async def test_an_attendant_keys_clean_on_an_occupied_rooms_phone(running: Running) -> None:
    await running.demo.fias(Record.of("GI", ("RN", "102"), ("G#", "7102"), ("GN", "Okafor")))
    await running.demo.settled()
    assert await running.sip.wait_registered(1, within=10)
    await running.demo.housekeeping_call("102")
    call = running.sip.calls.calls[-1]
    assert (call.direction, call.extension, call.dialled, call.digits_sent) == (
        Direction.FROM_ROOM, "2102", "7001", ["2"])
    status = running.pms.received_of("RE")
    assert [(r.get("RN"), r.get("RS")) for r in status] == [("102", "4")]
