"""`connector serve` runs the call-history poll when it is given the call intake, and only
then: the call from room 2101 that no webhook brought reaches the intake by the poll."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import CollectorRegistry

from connector.billing.call import CallSource, ZoomCall
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until


class Intake:
    def __init__(self) -> None:
        self.calls: dict[str, CallSource] = {}

    def take(self, call: ZoomCall, source: CallSource) -> str:
        known = call.call_id in self.calls
        self.calls[call.call_id] = source
        return "duplicate" if known else "new"


async def test_serve_with_the_call_intake_polls_zooms_call_history(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig())  # real time flows, as in `connector sandbox`
    lost = sandbox.add_call(2101, "+442075550199", international=True, country_iso_code="GB",
                            minutes_ago=30)
    async with SandboxServer(sandbox):
        settings = scenario_settings(sandbox, tmp_path, CONNECTOR_SERVER__PORT="0")
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        intake = Intake()
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          call_sink=intake)
        running = asyncio.create_task(service.run())
        try:
            await until(lambda: lost.call_id in intake.calls, within=10)
            assert service.call_poll is not None
            await until(lambda: service.call_poll is not None
                        and service.call_poll.watermark is not None
                        and registry.get_sample_value(
                            "connector_call_poll_runs_total", {"outcome": "done"}) == 1)
        finally:
            service.stop.set()
            await asyncio.wait_for(running, 10)

    assert intake.calls[lost.call_id] == "poll"
    assert registry.get_sample_value("connector_call_poll_pages_total") == 1


async def test_serve_without_the_call_intake_runs_no_poll(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig())
    async with SandboxServer(sandbox):
        settings = scenario_settings(sandbox, tmp_path, CONNECTOR_SERVER__PORT="0")
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry)
        running = asyncio.create_task(service.run())
        try:
            await until(lambda: service.web.started, within=10)
        finally:
            service.stop.set()
            await asyncio.wait_for(running, 10)

    assert service.call_poll is None
    assert not [e for e in sandbox.log.entries() if e.endpoint == "list_account_call_history"]
