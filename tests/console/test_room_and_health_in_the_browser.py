"""The room page and the Health page in a real Chromium: a check-in from the PMS over FIAS
shows on the room page without reloading; DND set at the desk reaches Zoom and the PMS, once
even when the form goes twice; the IT person sees the FIAS link go down when the PMS stops,
and a desk account is kept out of that page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from prometheus_client import CollectorRegistry

from connector.ivr.metrics import IvrMetrics
from connector.ivr.status_recorder import StatusRecorder
from connector.pms.fias.codec import Record
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import choose_channel
from connector.sandbox.fias_pms import FiasPms, PmsConfig, PmsStyle
from connector.sandbox.state import User
from connector.serve.fias_door import FiasDoor, link_config
from connector.settings.model import FiasMode
from tests.console.desk import (
    ADMIN,
    ADMIN_PASSWORD,
    Desk,
    artifact,
    needs_chromium,
    open_desk,
)
from tests.console.test_in_the_browser import sign_in

pytestmark = needs_chromium


@dataclass
class LinkedDesk:
    desk: Desk
    pms: FiasPms
    door: FiasDoor


@asynccontextmanager
async def desk_on_fias(folder: Path) -> AsyncIterator[LinkedDesk]:
    """The console's hotel with its FIAS door dialling a simulated PMS (nobody in house)."""
    async with open_desk(folder, CONNECTOR_FIAS__RESYNC_DAILY_AT="") as desk:
        hotel = desk.hotel
        pms = FiasPms(PmsConfig(style=PmsStyle.IFC8), local_time=hotel.sandbox.clock.now)
        port = await pms.serve()
        fias = hotel.settings.fias.model_copy(update={"mode": FiasMode.CLIENT, "port": port})
        door = FiasDoor(fias, hotel.connector, tz=hotel.connector.tz, clock=hotel.sandbox.clock,
                        registry=hotel.registry, resync_poll_seconds=0.05,
                        link=link_config(fias))
        # Reports to the PMS go over this link, as with `connector serve`.
        registry = CollectorRegistry()
        reporter = Reporter(hotel.connector.store,
                            choose_channel(hotel.settings.reporter, hotel.settings.webhook,
                                           door.endpoint),
                            tz=hotel.connector.tz, clock=hotel.sandbox.clock, registry=registry)
        assert hotel.parts is not None
        hotel.parts.fias = door
        hotel.parts.readiness = [*hotel.parts.readiness, door.readiness]  # as serve's /readyz
        hotel.parts.reporter = reporter
        hotel.parts.recorder = StatusRecorder(hotel.connector.store, hotel.connector.ingest,
                                              reporter, IvrMetrics(registry))
        stop = asyncio.Event()
        running = asyncio.create_task(door.run(stop))
        reporting = asyncio.create_task(reporter.run())
        try:
            await asyncio.wait_for(pms.link_up.wait(), 10)
            yield LinkedDesk(desk, pms, door)
        finally:
            await reporter.stop(grace=1)
            stop.set()
            await asyncio.wait_for(asyncio.gather(running, reporting), 10)
            await pms.close()


@pytest.fixture
async def linked(tmp_path: Path) -> AsyncIterator[LinkedDesk]:
    async with desk_on_fias(tmp_path) as opened:
        yield opened


def room_user(desk: Desk, room: str) -> User:
    owner = desk.hotel.sandbox.owner(int(desk.hotel.connector.room_map[room]))
    assert isinstance(owner, User)
    return owner


async def test_the_room_page_follows_a_fias_check_in_and_sets_dnd_once_for_zoom_and_the_pms(
        linked: LinkedDesk, browser: Browser) -> None:
    desk = linked.desk
    page = await browser.new_page(viewport={"width": 1366, "height": 1000})
    await sign_in(page, desk)
    await page.get_by_role("link", name="101", exact=True).click()
    await expect(page.get_by_role("heading", name="Room 101")).to_be_visible()
    await expect(page.locator("#room-detail")).to_contain_text("No guest in the room.")
    await expect(page.locator("#room-detail")).to_have_attribute("data-live", "open")

    await linked.pms.send(Record.of("GI", ("RN", "101"), ("G#", "5001"), ("GN", "Lovelace"),
                                    ("GF", "Ada"), ("GV", "GOLD")))

    detail = page.locator("#room-detail")
    await expect(detail).to_contain_text("Ada Lovelace")  # no reload: the live update
    await expect(detail).to_contain_text("PMS (FIAS)")

    # A double submit: the page's own DND form sent twice, as a double click can.
    statuses = await page.evaluate("""async () => {
        const form = document.querySelector('form[action$="/dnd"]');
        const send = () => fetch(form.action, {method: "POST", body: new URLSearchParams(
            new FormData(form)), redirect: "manual"});
        const answers = await Promise.all([send(), send()]);
        return answers.map((a) => a.type);
    }""")
    assert statuses == ["opaqueredirect", "opaqueredirect"]
    await page.reload()
    await expect(page.locator("#dnd-state")).to_have_text("On")
    await expect(page.get_by_role("button", name="Turn do not disturb off")).to_be_visible()
    store = desk.hotel.connector.store
    dnd_events = [e for e in store.room_events("101")
                  if e.source == "console" and e.type == "dnd" and e.outcome != "duplicate"]
    assert len(dnd_events) == 1
    reports = [e.what for e in store.audit("101", since=None, tz=desk.hotel.connector.tz)
               if e.kind == "report"]
    assert reports == ["guest service status 8 (do not disturb on)"]

    await desk.hotel.settle()  # the reconciler sets the room phone's presence in Zoom
    assert desk.hotel.sandbox.presence(room_user(desk, "101").id)["status"] == "Do_Not_Disturb"
    await linked.pms.wait_for("RE", lambda r: r.get("RN") == "101")  # RS 8 on the link
    await expect(detail).to_contain_text("guest service status 8 (do not disturb on)")
    await expect(page.locator("#trail-console")).to_contain_text("dnd on")
    await page.get_by_label("Housekeeping status").select_option("inspected")
    await page.get_by_role("button", name="Set status").click()
    await expect(page.get_by_role("status").first).to_contain_text("set to inspected")
    await page.screenshot(path=artifact("room-page.png"), full_page=True)


async def test_the_it_person_sees_the_fias_link_go_down_and_a_desk_account_is_kept_out(
        linked: LinkedDesk, browser: Browser) -> None:
    desk = linked.desk
    maria = await browser.new_page()
    await sign_in(maria, desk)
    refused = await maria.goto(f"{desk.url}/console/health")
    assert refused is not None and refused.status == 403
    await expect(maria.get_by_role("heading", name="For admins only")).to_be_visible()

    page: Page = await browser.new_page(viewport={"width": 1366, "height": 1000})
    await sign_in(page, desk, ADMIN, ADMIN_PASSWORD)
    await page.get_by_role("link", name="Health").click()
    fias = page.locator("#health-fias")
    await expect(fias).to_contain_text("The link is up")
    await expect(fias).to_contain_text("Last records: ")
    await expect(page.locator("#health-ready")).to_contain_text("OK: FIAS link to the PMS: up")

    await linked.pms.close()  # the PMS's interface stops

    await expect(fias).to_contain_text("Needs attention", timeout=12_000)  # next refresh
    await expect(fias).not_to_contain_text("The link is up")
    await expect(page.locator("#health-ready")).to_contain_text("PROBLEM: FIAS link")
    await page.screenshot(path=artifact("health-fias-down.png"), full_page=True)
