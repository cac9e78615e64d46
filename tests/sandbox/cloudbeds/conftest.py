"""Fixtures: Cloudbeds' spec, an emulator on a test clock served on loopback, and a client
that checks every exchange against the spec."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from connector.sandbox.cloudbeds import CloudbedsEmulator, CloudbedsServer, serve_cloudbeds
from tests.cloudbeds_spec import CloudbedsSpec
from tests.sandbox.cloudbeds.support import Cloudbeds
from tests.support.fake_clock import FakeClock

API_KEY = "cbat_the_hotels_key"


@pytest.fixture(scope="session")
def cb_spec() -> CloudbedsSpec:
    return CloudbedsSpec.load()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> CloudbedsEmulator:
    """The property, its time moved only by the test (so a 'second' is exact)."""
    return CloudbedsEmulator(clock=clock, api_key=API_KEY, rooms=("101", "102", "201", "202"))


@pytest.fixture
async def server(emulator: CloudbedsEmulator) -> AsyncIterator[CloudbedsServer]:
    async with serve_cloudbeds(emulator) as running:
        yield running


@pytest.fixture
async def cloudbeds(server: CloudbedsServer, cb_spec: CloudbedsSpec,
                    clock: FakeClock) -> AsyncIterator[Cloudbeds]:
    """An adapter-like client: four calls a second, below Cloudbeds' five."""
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}, timeout=10) as http:
        yield Cloudbeds(http, server.api_url, cb_spec, pace=lambda: clock.advance(0.25))
