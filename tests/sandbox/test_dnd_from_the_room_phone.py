"""DND from the room phone, end to end over real sockets, as `connector sandbox` wires it
(call accounting on, with the demo hotel's tariff): the emulated Zoom posts its signed
presence webhook to the running service's `/zoom/events`, and the FIAS PMS simulator hears
the guest service status. The connector's own DND (the
PMS asked for it) fires Zoom's webhook too, and nothing goes back to the PMS."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from prometheus_client import CollectorRegistry

from connector.billing.tariff_rater import tariff_rater
from connector.cli.demo_day import DemoDay
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.demo_hotel import DEMO_TARIFF
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.server import SandboxServer
from connector.sandbox.sip.side import SipSide
from connector.sandbox.webhooks import Delivery, DeliveryState
from connector.serve.runner import Service
from connector.service import Connector
from tests.scenarios.hotel import scenario_settings
from tests.support.outbox import kept_reports
from tests.support.waiting import until

SECRET_TOKEN = "harbour-view-zoom-app-secret"
ROOM = "101"
EXTENSION = 2101
# Past the connector's own presence change and Zoom's minute between two of them.
A_WHILE = 90


@dataclass
class Running:
    sandbox: Sandbox
    pms: FiasPms
    service: Service

    @property
    def connector(self) -> Connector:
        return self.service.connector

    def presence(self) -> str:
        return str(self.sandbox.presence(self.sandbox.owner(EXTENSION).id)["status"])

    async def check_in(self) -> None:
        await self.pms.send(Record.of("GI", ("RN", ROOM), ("G#", "6101"), ("GN", "Lima"),
                                      ("GF", "Ana")))
        await until(lambda: self.sandbox.owner(EXTENSION).display_name == "Ana Lima 2101",
                    within=10)
        self.sandbox.advance(A_WHILE)

    async def pms_hears(self, status: str) -> Record:
        return await self.pms.wait_for(
            "RE", lambda r: r.get("RN") == ROOM and r.get("RS") == status, within=10)

    def guest_service_heard(self) -> list[str]:
        return [str(r) for r in self.pms.received_of("RE") if r.get("RS") in ("8", "9", "10")]

    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.service.web.servers[0].sockets[0].getsockname()[1]}"

    def presence_events(self) -> list[Delivery]:
        return [d for d in self.sandbox.webhooks.deliveries
                if d.event == "user.presence_status_updated"]


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    sandbox = Sandbox(SandboxConfig())  # real time flows, as in `connector sandbox`
    pms = FiasPms(local_time=sandbox.clock.now)
    async with SandboxServer(sandbox):
        port = await pms.serve()
        settings = scenario_settings(
            sandbox, tmp_path, CONNECTOR_FIAS__MODE="client", CONNECTOR_FIAS__PORT=str(port),
            CONNECTOR_SERVER__PORT="0", CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN=SECRET_TOKEN,
            CONNECTOR_BILLING__TARIFF_FILE=str(DEMO_TARIFF),  # call accounting on, as there
        )
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry,
                          rate=tariff_rater(DEMO_TARIFF))
        task = asyncio.create_task(service.run())
        try:
            await until(lambda: service.web.started, within=10)
            bound = service.web.servers[0].sockets[0].getsockname()[1]
            await sandbox.webhooks.subscribe(f"http://127.0.0.1:{bound}/zoom/events",
                                             SECRET_TOKEN)
            await asyncio.wait_for(pms.link_up.wait(), 10)
            yield Running(sandbox, pms, service)
        finally:
            service.stop.set()
            await asyncio.wait_for(task, 10)
            await pms.close()


async def test_dnd_pressed_on_the_room_phone_reaches_the_pms_as_rs_8_then_rs_10(
    running: Running,
) -> None:
    await running.check_in()

    running.sandbox.press_dnd(EXTENSION)
    on = await running.pms_hears("8")
    await running.connector.reconciler.drain()
    running.sandbox.advance(A_WHILE)
    running.sandbox.press_dnd(EXTENSION, on=False)
    off = await running.pms_hears("10")

    assert (str(on), str(off)) == ("RE|RN101|RS8|", "RE|RN101|RS10|")
    assert running.guest_service_heard() == ["RE|RN101|RS8|", "RE|RN101|RS10|"]
    assert [json.loads(d.answer) for d in running.presence_events()] == [
        {"status": "guest_dnd_on"}, {"status": "guest_dnd_off"}]


async def test_the_guests_dnd_stays_on_in_zoom_until_the_guest_turns_it_off(
    running: Running,
) -> None:
    await running.check_in()

    running.sandbox.press_dnd(EXTENSION)
    await running.pms_hears("8")
    await running.connector.reconciler.drain()

    assert running.presence() == "Do_Not_Disturb"
    room = running.connector.store.room(ROOM)
    assert room is not None and room.dnd.on


async def test_dnd_the_pms_asked_for_fires_zooms_webhook_but_is_not_reported_back(
    running: Running,
) -> None:
    await running.check_in()

    await running.pms.send(Record.of("RE", ("RN", ROOM), ("DN", "Y")))
    await until(lambda: running.presence() == "Do_Not_Disturb", within=10)
    await running.sandbox.webhooks.settled()

    (event,) = running.presence_events()
    assert event.state is DeliveryState.DELIVERED
    assert json.loads(event.body)["payload"]["object"]["presence_status"] == "Do_Not_Disturb"
    assert json.loads(event.answer)["status"] in ("as_wanted", "stale")
    assert kept_reports(running.connector.store) == []
    assert running.guest_service_heard() == []


async def test_the_pms_turning_dnd_off_fires_the_webhook_and_is_not_reported_back_either(
    running: Running,
) -> None:
    await running.check_in()
    await running.pms.send(Record.of("RE", ("RN", ROOM), ("DN", "Y")))
    await until(lambda: running.presence() == "Do_Not_Disturb", within=10)
    running.sandbox.advance(A_WHILE)

    await running.pms.send(Record.of("RE", ("RN", ROOM), ("DN", "N")))
    await until(lambda: running.presence() == "Available", within=10)
    await running.sandbox.webhooks.settled()

    assert [json.loads(d.body)["payload"]["object"]["presence_status"]
            for d in running.presence_events()] == ["Do_Not_Disturb", "Available"]
    assert all(d.state is DeliveryState.DELIVERED for d in running.presence_events())
    assert kept_reports(running.connector.store) == []
    assert running.guest_service_heard() == []


async def test_the_demo_day_shows_the_pms_hearing_the_guests_dnd_on_and_off(
    running: Running,
) -> None:
    await running.check_in()
    said: list[str] = []
    # This step uses no telephone line: the SIP side is not needed.
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", said.append)

    await demo.dnd_from_the_phone(ROOM)

    assert [line for line in said if "the PMS received" in line] == [
        "    the PMS received RE|RN101|RS8| (guest service status 8: do not disturb on)",
        "    the PMS received RE|RN101|RS10| (guest service status 10: all off)"]
    assert running.presence() == "Available"


async def test_without_zooms_events_the_demo_says_the_step_is_skipped(
    running: Running,
) -> None:
    running.sandbox.webhooks.unsubscribe()
    said: list[str] = []
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", said.append)

    await demo.dnd_from_the_phone(ROOM)

    assert said == ["  Zoom's events are not subscribed: DND from room 101's phone cannot "
                    "reach the connector; skipped"]
    assert running.guest_service_heard() == []
