"""The connector's Zoom client against the sandbox, over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.settings import Settings, load_settings
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.metrics import ZoomMetrics
from tests.sandbox.sandbox_support import SpecChecker
from tests.zoom_spec import ZoomSpec


@pytest.fixture
async def served() -> AsyncIterator[SandboxServer]:
    """The demo hotel on two loopback ports (OAuth and API), its clock frozen for tests.
    Every exchange is checked against Zoom's published specs."""
    sandbox = Sandbox(SandboxConfig(frozen_clock=True))
    checker = SpecChecker(sandbox.app(), ZoomSpec.load())
    async with SandboxServer(sandbox, app=checker) as server:
        yield server
    assert not checker.violations, "\n\n".join(checker.violations)


@pytest.fixture
def room_map_file(served: SandboxServer, tmp_path: Path) -> Path:
    return served.sandbox.hotel.write_room_map(tmp_path / "rooms.csv")


@pytest.fixture
def settings(
    served: SandboxServer, room_map_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    for name, value in served.sandbox.environment(str(room_map_file)).items():
        monkeypatch.setenv(name, value)
    # Retries must not make the suite slow: back off at most a tenth of a second.
    monkeypatch.setenv("CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS", "0.1")
    return load_settings(_env_file=None)


@pytest.fixture
async def zoom(settings: Settings) -> AsyncIterator[ZoomApi]:
    client = ZoomClient(settings.zoom, settings.scheduling,
                        metrics=ZoomMetrics(CollectorRegistry()))
    async with client:
        await client.start()
        yield ZoomApi(client)
