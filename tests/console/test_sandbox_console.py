"""`connector sandbox` with the console: the demo desk account signs in on the service the
command runs, and the demo day (FIAS check-ins and check-out, the wake-up call, the
housekeeping call) appears on the grid as it happens, without a reload."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Browser, expect

from connector.cli.demo_day import DemoDay
from connector.cli.sandbox_cmd import connector_on_sandbox
from connector.cli.sandbox_staff import DEMO_DESK
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.sandbox.sip.side import SipSide
from tests.console.desk import artifact, needs_chromium
from tests.sandbox.sip.conftest import PHONE_RTP

pytestmark = needs_chromium


async def test_the_demo_day_appears_live_on_the_sandbox_console(
        tmp_path: Path, browser: Browser) -> None:
    sandbox = Sandbox(SandboxConfig())  # real time flows, as in `connector sandbox`
    async with SandboxServer(sandbox), SipSide(sandbox, rtp_ports=PHONE_RTP) as sip:
        room_map = sandbox.hotel.write_room_map(tmp_path / "rooms.csv")
        async with connector_on_sandbox(sandbox, sip, room_map,
                                        tmp_path / "store.sqlite3") as on:
            said: list[str] = []
            page = await browser.new_page(viewport={"width": 1366, "height": 900})
            await page.goto(f"{on.web}/console/rooms")
            await page.get_by_label("Name").fill(DEMO_DESK.name)
            await page.get_by_label("Password").fill(DEMO_DESK.password)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.locator("#grid")).to_have_attribute("data-live", "open")
            await expect(page.locator("#room-101")).to_contain_text("Vacant")

            day = DemoDay(sandbox, on.connector, on.pms, sip, on.web, on.secret, said.append)
            playing = asyncio.create_task(day.play())
            try:
                await expect(page.locator("#room-101")).to_contain_text("Ana Lima", timeout=20_000)
                await expect(page.locator("#room-101")).to_contain_text("VIP")
                await expect(page.locator("#room-102")).to_contain_text("Vacant",
                                                                       timeout=20_000)
                await asyncio.wait_for(playing, 120)
            finally:
                playing.cancel()
            # The wake-up rang and was confirmed; the attendant keyed "clean" in 102.
            await expect(page.locator("#room-101")).to_contain_text("wake-ups today: 1")
            await expect(page.locator("#room-102")).to_contain_text("clean")
            await page.screenshot(path=artifact("sandbox-demo-day.png"))
            actions = [e.action for e in on.connector.store.staff.audit_entries()]
            assert actions.count("staff account added") == 2
            assert "signed in" in actions
