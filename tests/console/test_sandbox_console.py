"""`connector sandbox` with the console, the command itself run as a person runs it: it prints
the console's address and the demo logins, the demo desk account signs in, and the demo day
(the FIAS check-ins, the wake-up call, the housekeeping call) appears on the grid as it
happens, without a reload."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from playwright.async_api import Browser, expect

from connector.cli.sandbox_staff import DEMO_ADMIN, DEMO_DESK
from tests.console.desk import artifact, needs_chromium

pytestmark = needs_chromium


class Running:
    """`connector sandbox`'s process and what it has printed so far."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process, self.said = process, ""
        self.console_url = asyncio.get_running_loop().create_future()

    async def read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.said += raw.decode()
            found = re.search(r"Console:\s+(http://127\.0\.0\.1:\d+/console/rooms)", self.said)
            if found and not self.console_url.done():
                self.console_url.set_result(found.group(1))


@contextlib.asynccontextmanager
async def sandbox_command(folder: Path) -> AsyncIterator[Running]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "connector", "sandbox", "--no-doctor", "--sip-port", "0",
        cwd=folder, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    running = Running(process)
    reading = asyncio.create_task(running.read())
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C, as a person stops it
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
        await reading


async def test_the_demo_day_appears_live_on_the_sandbox_console(
        tmp_path: Path, browser: Browser) -> None:
    async with sandbox_command(tmp_path) as sandbox:
        rooms = await asyncio.wait_for(sandbox.console_url, 60)
        for login in (DEMO_DESK, DEMO_ADMIN):
            assert f"{login.name} / {login.password} ({login.role})" in sandbox.said
        page = await browser.new_page(viewport={"width": 1366, "height": 900})
        await page.goto(rooms)
        await page.get_by_label("Name").fill(DEMO_DESK.name)
        await page.get_by_label("Password").fill(DEMO_DESK.password)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.locator("#grid")).to_have_attribute("data-live", "open")
        await page.evaluate("window.sameLoad = true")  # gone if the page ever reloads

        room_101, room_102 = page.locator("#room-101"), page.locator("#room-102")
        await expect(room_101).to_contain_text("Ana Lima", timeout=30_000)
        await expect(room_101).to_contain_text("VIP")
        # The phone day: the PMS's wake-up rings 101, an attendant keys "clean" in 102.
        await expect(room_101).to_contain_text("wake-ups today: 1", timeout=90_000)
        await expect(room_102).to_contain_text("clean", timeout=60_000)
        await expect(room_102).to_contain_text("Vacant")  # checked out earlier in the day
        assert await page.evaluate("window.sameLoad === true"), "the page was reloaded"
        await page.wait_for_timeout(1600)  # the "updated" flash fades before the picture
        await page.screenshot(path=artifact("sandbox-demo-day.png"))
        async with asyncio.timeout(60):  # the demo day ends, the connector keeps running
            while "keeps running against the sandbox" not in sandbox.said:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
    assert "Sandbox stopped." in sandbox.said, sandbox.said
