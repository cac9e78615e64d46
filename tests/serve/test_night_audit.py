"""The PMS's night audit over a real FIAS link, through `connector serve`: NS … NE from the
PMS hold the call charges, which then go with their own P#."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms, PmsConfig, PmsStyle
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from connector.store import Report
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

# Set in full: the simulator's defaults are not this test's business.
PMS = PmsConfig(style=PmsStyle.IFC8, charset="utf-8", lrc=False, ack_mode=False,
                posting_answer="OK", honour_subscriptions=True)


@dataclass
class Night:
    sandbox: Sandbox
    pms: FiasPms
    service: Service
    registry: CollectorRegistry

    def pms_says(self, record_type: str) -> Record:
        now = self.sandbox.clock.now()
        return Record.of(record_type, ("DA", now.strftime("%y%m%d")),
                         ("TI", now.strftime("%H%M%S")))

    def posting(self, p_number: int) -> Report:
        outbox = self.service.connector.store.outbox
        found = [r for i in range(1, 50) if (r := outbox.get(i)) and r.p_number == p_number]
        assert found, f"no posting P#{p_number}"
        return found[0]

    def charge(self, room: str) -> int:
        return self.service.reporter.post_charge(
            room, amount_minor=250, dialled="0044207946000", duration_seconds=95,
            at=self.sandbox.clock.now())




@pytest.fixture
async def night(tmp_path: Path) -> AsyncIterator[Night]:
    sandbox = Sandbox(SandboxConfig())
    pms = FiasPms(PMS, local_time=lambda: sandbox.clock.now())
    async with SandboxServer(sandbox):
        port = await pms.serve()
        settings = scenario_settings(
            sandbox, tmp_path, CONNECTOR_FIAS__MODE="client", CONNECTOR_FIAS__PORT=str(port),
            CONNECTOR_SERVER__PORT="0")
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry)
        task = asyncio.create_task(service.run())
        await asyncio.wait_for(pms.link_up.wait(), 5)
        yield Night(sandbox, pms, service, registry)
        service.stop.set()
        await asyncio.wait_for(task, 10)
        await pms.close()


async def test_a_charge_made_during_the_night_audit_is_posted_after_it(night: Night) -> None:
    assert night.pms.subscriptions.keys() >= {"NS", "NE"}  # announced in LR, or never sent
    await night.pms.send(night.pms_says("NS"))
    await until(lambda: night.registry.get_sample_value("connector_fias_night_audit") == 1)

    p_number = night.charge("101")
    night.service.reporter.maid_status("102", 3)
    await night.pms.wait_for("RE", lambda r: r.get("RN") == "102")
    await asyncio.sleep(0.3)
    assert night.pms.received_of("PS") == []
    assert night.posting(p_number).state == "pending"

    await night.pms.send(night.pms_says("NE"))
    posting = await night.pms.wait_for("PS")
    await until(lambda: night.posting(p_number).state == "answered")

    assert posting.get("P#") == str(p_number) and posting.get("TA") == "250"
    assert night.posting(p_number).answer == "OK"
    assert night.registry.get_sample_value("connector_fias_night_audit") == 0


async def test_a_charge_refused_for_the_night_audit_is_posted_again_after_it(
    night: Night,
) -> None:
    night.pms.config = replace(PMS, posting_answer="NA")
    p_number = night.charge("101")
    await night.pms.wait_for("PS")
    await until(lambda: night.posting(p_number).state == "pending")  # refused: not on folio
    assert night.registry.get_sample_value("connector_fias_night_audit") == 1

    night.pms.config = PMS  # the audit is over: postings are taken again
    await night.pms.send(night.pms_says("NE"))
    await until(lambda: night.posting(p_number).state == "answered")

    assert [r.get("P#") for r in night.pms.received_of("PS")] == [str(p_number)] * 2
    assert night.posting(p_number).answer == "OK"


async def test_a_long_night_audit_shows_as_held_not_as_reports_stuck(night: Night) -> None:
    metric = night.registry.get_sample_value
    await night.pms.send(night.pms_says("NS"))
    await until(lambda: metric("connector_fias_night_audit") == 1)
    night.charge("101")
    night.sandbox.advance(3 * 3600 + 60)

    # The charge waits for the audit, as it should: IT sees a long audit, not a stuck link.
    assert metric("connector_fias_night_audit_seconds") == pytest.approx(3 * 3600 + 60, abs=5)
    assert metric("connector_pms_report_oldest_seconds") == 0

    await night.pms.send(night.pms_says("NE"))
    await until(lambda: metric("connector_fias_night_audit_seconds") == 0)


async def test_a_report_the_pms_does_not_take_shows_its_age(night: Night) -> None:
    metric = night.registry.get_sample_value
    await night.pms.close()  # the PMS's interface goes away
    night.service.reporter.maid_status("102", 3)
    night.sandbox.advance(11 * 60)

    assert metric("connector_pms_report_oldest_seconds") == pytest.approx(11 * 60, abs=5)
