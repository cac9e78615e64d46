"""The front desk for the console tests: the demo hotel (tests.web.pms) with staff accounts,
served over a real socket by uvicorn for the browser, and Debian's chromium driven by
Playwright (never `playwright install`: the system's browser, as CI installs it)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from connector.web.console.passwords import hash_password
from tests.web.pms import Hotel, open_hotel

CHROMIUM = os.environ.get("CONNECTOR_TEST_CHROMIUM") or shutil.which("chromium") or ""
needs_chromium = pytest.mark.skipif(
    not CHROMIUM, reason="chromium is not installed (apt-get install chromium; .ci/run does)")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "console"

DESK = "maria"
DESK_PASSWORD = "harbour-view-front-desk"
ADMIN = "ivo"
ADMIN_PASSWORD = "harbour-view-it-person"


@dataclass
class Desk:
    hotel: Hotel
    url: str  # the console's base, e.g. http://127.0.0.1:43123


def add_staff(hotel: Hotel) -> None:
    hotel.connector.store.staff.add(DESK, "desk", hash_password(DESK_PASSWORD))
    hotel.connector.store.staff.add(ADMIN, "admin", hash_password(ADMIN_PASSWORD))


@asynccontextmanager
async def served(hotel: Hotel) -> AsyncIterator[str]:
    """The hotel's app on a free local port, in this event loop; its base URL."""
    server = uvicorn.Server(uvicorn.Config(hotel.app, host="127.0.0.1", port=0,
                                           log_level="warning", timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        hotel.connector.store.notices.close()
        server.should_exit = True
        await task


@asynccontextmanager
async def open_desk(folder: Path, **env: str) -> AsyncIterator[Desk]:
    async with open_hotel(folder, **env) as hotel:
        add_staff(hotel)
        async with served(hotel) as url:
            yield Desk(hotel, url)


def artifact(name: str) -> Path:
    """Where a screenshot goes (git-ignored); printed so a person can find it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    print(f"console screenshot: {path}")
    return path
