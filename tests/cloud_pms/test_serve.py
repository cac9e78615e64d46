"""`connector serve` for a hotel on a cloud PMS: the door runs as a part, the adapter's own
web route takes notices, /readyz tells of the PMS, reports go to it, and shutdown closes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry

from connector.pms.reporter_channels import CloudChannel
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from tests.cloud_pms.fake_pms import FakePms, Stay
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

OHIP = {
    "CONNECTOR_PMS__KIND": "ohip",
    "CONNECTOR_OHIP__GATEWAY_URL": "https://ohip.example.com",
    "CONNECTOR_OHIP__CLIENT_ID": "client",
    "CONNECTOR_OHIP__CLIENT_SECRET": "secret",
    "CONNECTOR_OHIP__APP_KEY": "app-key",
    "CONNECTOR_OHIP__HOTEL_ID": "HOTEL1",
    "CONNECTOR_OHIP__CHAIN_CODE": "CHAIN",
    "CONNECTOR_OHIP__EXTERNAL_SYSTEM_CODE": "ZOOMPHONE",
}


async def test_serve_runs_the_cloud_door_with_the_adapters_route(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig())
    pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")}, with_source=False)
    async with SandboxServer(sandbox):
        settings = scenario_settings(sandbox, tmp_path, CONNECTOR_SERVER__PORT="0", **OHIP)
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          cloud_pms=pms)
        task = asyncio.create_task(service.run())
        try:
            await until(lambda: service.web.started, within=10)
            port = service.web.servers[0].sockets[0].getsockname()[1]
            web = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=web) as http:
                await until(lambda: pms.started == 1)
                answer = await http.post("/fake-pms/events", json={
                    "key": "ohip:1", "reservation": "R1", "action": "CHECK IN",
                    "at": datetime.now(UTC).isoformat()})
                assert answer.json() == {"new": 1}
                await until(lambda: occupied(connector, "101"))
                ready = (await http.get("/readyz")).json()

            checks = {c["name"]: c for c in ready["checks"]}
            assert checks["cloud_pms"]["ok"] is True
            assert checks["cloud_pms"]["detail"] == "ohip: webhooks subscribed at start"
            assert isinstance(service.reporter.channel, CloudChannel)
            assert service.console_parts.cloud is service.cloud
        finally:
            service.stop.set()
            await asyncio.wait_for(task, 15)
        assert pms.closed


def occupied(connector: Connector, room: str) -> bool:
    state = connector.store.room(room)
    return state is not None and state.occupied
