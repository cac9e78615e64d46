from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.console.desk import CHROMIUM, Desk, open_desk
from tests.web.pms import Hotel, open_hotel


@pytest.fixture
async def hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    """The demo hotel, no staff account yet, over ASGI (no socket, no browser)."""
    async with open_hotel(tmp_path) as opened:
        yield opened


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """The demo hotel with a desk and an admin account, served on a local port."""
    async with open_desk(tmp_path) as opened:
        yield opened


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, headless (no sandbox: CI and this machine run as root)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            await chromium.close()
