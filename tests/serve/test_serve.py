"""`connector serve` as one process: FIAS and webhook doors in, Zoom out, a clean shutdown."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry

from connector.billing.tariff_rater import tariff_rater
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from connector.web.console.passwords import hash_password
from connector.web.signing import signature_headers
from tests.console.desk import ADMIN, ADMIN_PASSWORD
from tests.console.test_over_http import sign_in as console_sign_in
from tests.console.test_room_page import room_form
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

SECRET = "serve-test-secret-0123456789"
ZOOM_SECRET_TOKEN = "serve-test-zoom-app-token"
EXAMPLE_TARIFF = Path(__file__).resolve().parents[2] / "deploy" / "tariff.example.yaml"


@dataclass
class Running:
    sandbox: Sandbox
    pms: FiasPms
    service: Service
    web: str

    def shown(self, extension: int) -> str:
        return self.sandbox.owner(extension).display_name




@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    sandbox = Sandbox(SandboxConfig())
    pms = FiasPms(local_time=lambda: sandbox.clock.now())
    # Already in house when the link comes up: the resync brings her in.
    pms.in_house.apply(Record.of("GI", ("RN", "101"), ("G#", "5001"), ("GN", "Lima"),
                                 ("GF", "Ana")))
    async with SandboxServer(sandbox) as server:
        port = await pms.serve()
        settings = scenario_settings(
            sandbox, tmp_path,
            CONNECTOR_FIAS__MODE="client", CONNECTOR_FIAS__PORT=str(port),
            CONNECTOR_WEBHOOK__SECRET=SECRET, CONNECTOR_SERVER__PORT="0",
            # Call accounting on, with the documented example tariff.
            CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN=ZOOM_SECRET_TOKEN,
            CONNECTOR_BILLING__TARIFF_FILE=str(EXAMPLE_TARIFF),
            # Zoom's voicemail events feed the index; the nightly sweep runs.
            CONNECTOR_RECONCILE__VOICEMAIL_WEBHOOKS="true",
        )
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          rate=tariff_rater(EXAMPLE_TARIFF))
        task = asyncio.create_task(service.run())
        await until(lambda: service.web.started)
        bound = service.web.servers[0].sockets[0].getsockname()[1]
        yield Running(sandbox, pms, service, f"http://127.0.0.1:{bound}")
        service.stop.set()
        await asyncio.wait_for(task, 10)
        await pms.close()
        del server


async def test_what_start_up_built_is_out_of_the_collectors_way_while_serving(
    running: Running,
) -> None:
    # A collection that walked the directory and the modules was the webhook's p99 tail.
    assert gc.get_freeze_count() > 0

    running.service.stop.set()
    await until(lambda: gc.get_freeze_count() == 0)


async def test_a_fias_resync_names_the_rooms_already_in_house(running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    await running.pms.wait_for("DR")
    await until(lambda: running.shown(2101) == "Ana Lima 2101")


async def test_a_fias_check_in_and_a_webhook_dnd_both_reach_zoom(running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    await running.pms.send(Record.of("GI", ("RN", "102"), ("G#", "5002"), ("GN", "Okafor"),
                                     ("GF", "Ben")))
    await until(lambda: running.shown(2102) == "Ben Okafor 2102")

    body = json.dumps({"type": "dnd", "id": "serve-dnd-1", "room": "102", "on": True,
                       "occurred_at": running.sandbox.clock.now().isoformat()}).encode()
    headers = {**signature_headers(body, [SECRET], int(time.time())),
               "Content-Type": "application/json"}
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{running.web}/v1/pms/events", content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    user = running.sandbox.owner(2102)
    await until(lambda: running.sandbox.presence(user.id)["status"] == "Do_Not_Disturb")


async def test_readiness_includes_the_fias_link(running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    async with httpx.AsyncClient() as http:
        fias = running.service.fias
        assert fias is not None
        await until(lambda: fias.endpoint.is_up)
        ready = (await http.get(f"{running.web}/readyz")).json()
    checks = {c["name"]: c["ok"] for c in ready["checks"]}
    assert ready["ready"] is True and checks["fias_link"] is True
    # Unsigned: anyone who reaches it learns neither where the PMS is nor where the data is.
    settings = running.service.settings
    shown = str(ready)
    assert f":{settings.fias.port}" not in shown and settings.fias.host not in shown
    assert str(settings.store.path) not in shown and "/" not in shown


async def test_shutdown_ends_the_fias_link_with_le(running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    running.service.stop.set()
    await running.pms.wait_for("LE")


async def test_reports_reach_the_pms_over_the_fias_link(running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    reporter = running.service.reporter
    reporter.maid_status("101", 1)
    p_number = reporter.post_charge("101", amount_minor=250, dialled="0044207946000",
                                    duration_seconds=95, at=running.sandbox.clock.now())

    maid = await running.pms.wait_for("RE", lambda r: r.get("RN") == "101")
    posting = await running.pms.wait_for("PS", lambda r: r.get("P#") == str(p_number))

    assert maid.get("RS") == "1" and posting.get("TA") == "250"
    outbox = running.service.connector.store.outbox
    await until(lambda: outbox.pending_counts().total("answered") == 1)  # the PMS's PA came
    assert not reporter.status().problems()


async def test_the_console_in_serve_acts_over_the_fias_link_and_shows_its_health(
        running: Running) -> None:
    await asyncio.wait_for(running.pms.link_up.wait(), 5)
    store = running.service.connector.store
    store.staff.add(ADMIN, "admin", hash_password(ADMIN_PASSWORD))
    async with httpx.AsyncClient(base_url=running.web) as http:
        await console_sign_in(http, ADMIN, ADMIN_PASSWORD)
        page = await http.get("/console/rooms/101")
        dnd = await http.post("/console/rooms/101/dnd",
                              data=room_form(page.text, "/console/rooms/101/dnd"))
        hk = await http.post("/console/rooms/101/housekeeping", data={
            **room_form(page.text, "/console/rooms/101/housekeeping"), "status": "dirty"})
        shown = (await http.get("/console/health")).text

    assert dnd.status_code == hk.status_code == 303
    guest_service = await running.pms.wait_for("RE", lambda r: r.get("RS") == "8")
    maid = await running.pms.wait_for("RE", lambda r: r.get("RS") == "2")  # dirty, occupied
    assert guest_service.get("RN") == maid.get("RN") == "101"
    assert "OK: FIAS link to the PMS: up" in shown and "The link is up since" in shown
    assert "No SIP line is configured: wake-up calls cannot ring" in shown
    assert "On: outside calls are rated and posted" in shown


async def test_the_daily_erasure_of_personal_data_runs_as_the_service_starts(
        running: Running) -> None:
    store = running.service.connector.store
    await until(lambda: store.meta("privacy.retention.last_day") is not None)


async def test_zooms_voicemail_events_reach_the_index_and_the_sweep_runs_as_it_starts(
        running: Running) -> None:
    store = running.service.connector.store
    await until(lambda: store.meta("voicemail_index.sweep.last_day") is not None)
    assert store.voicemails.trusted_since("user") is not None
    # Through the sandbox's admin API: its webhooks are sent from the sandbox's own loop.
    async with httpx.AsyncClient(base_url=running.sandbox.api_url) as admin:
        subscribed = await admin.put("/_sandbox/webhooks", json={
            "url": f"{running.web}/zoom/events", "secret_token": ZOOM_SECRET_TOKEN})
        assert subscribed.status_code == 200, subscribed.text
        left = (await admin.post("/_sandbox/voicemails", json={"extension": 2101})).json()

    await until(lambda: left["id"] in {vm.voicemail_id for vm in store.voicemails.live(
        left["owner_id"], before=running.sandbox.clock.now())})
