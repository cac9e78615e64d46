"""A guest's call made while the PMS runs its night audit reaches the folio after it: call
postings go through the reporter's outbox, which holds postings from NS to NE."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry

from connector.billing.webhook import CALLER_HISTORY_COMPLETED
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms, PmsConfig
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from connector.web.zoom_signing import zoom_headers
from tests.billing.front_desk import call_row, stand_in_rate
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

SECRET_TOKEN = "zoom-app-secret-token-harbour"


async def test_a_call_during_the_night_audit_is_posted_after_it(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig())
    pms = FiasPms(PmsConfig(posting_answer="OK"), local_time=lambda: sandbox.clock.now())
    async with SandboxServer(sandbox):
        settings = scenario_settings(
            sandbox, tmp_path, CONNECTOR_FIAS__MODE="client",
            CONNECTOR_FIAS__PORT=str(await pms.serve()), CONNECTOR_SERVER__PORT="0",
            CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN=SECRET_TOKEN,
            CONNECTOR_BILLING__TARIFF_FILE=str(tmp_path / "tariff.yaml"))
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          rate=stand_in_rate)
        task = asyncio.create_task(service.run())
        try:
            await asyncio.wait_for(pms.link_up.wait(), 5)
            room = sandbox.hotel.rooms[0]
            await pms.send(Record.of("GI", ("RN", room.room), ("G#", "4711"),
                                     ("GN", "Lovelace")))
            await until(lambda: bool(connector.store.stays_at(room.room, sandbox.clock.now())))
            await pms.send(Record.of("NS"))
            await until(lambda: registry.get_sample_value("connector_fias_night_audit") == 1)

            row = call_row(str(room.extension), sandbox.clock.now() + timedelta(seconds=1))
            body = json.dumps({"event": CALLER_HISTORY_COMPLETED, "event_ts": 1, "payload": {
                "account_id": "HarbourView", "object": {"user_id": "u", "call_logs": [row]}}})
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app),
                                         base_url="http://connector") as http:
                response = await http.post("/zoom/events", content=body, headers={
                    "Content-Type": "application/json",
                    **zoom_headers(body.encode(), SECRET_TOKEN,
                                   int(sandbox.clock.now().timestamp()))})
            assert response.json() == {"status": "new"}
            await asyncio.sleep(0.3)
            assert pms.received_of("PS") == []

            await pms.send(Record.of("NE"))
            posting = await pms.wait_for("PS")
            call = connector.store.call(row["call_id"])
            await until(lambda: (found := connector.store.call(row["call_id"])) is not None
                        and found.state == "accepted")
        finally:
            service.stop.set()
            await asyncio.wait_for(task, 10)
            await pms.close()

    assert call is not None and (posting.get("RN"), posting.get("P#")) == (room.room, "1")
    assert posting.get("TA") == "400"
