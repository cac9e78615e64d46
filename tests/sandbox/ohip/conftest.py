"""Fixtures for the OHIP emulator's tests: an emulator on a test clock and a spec-checked
client over ASGI (no sockets)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from connector.sandbox.ohip.emulator import OhipEmulator
from tests.ohip_spec import OhipSpec
from tests.sandbox.ohip.support import Ohip, SpecChecker
from tests.support.fake_clock import FakeClock


@pytest.fixture(scope="session")
def spec() -> OhipSpec:
    return OhipSpec.load()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> OhipEmulator:
    return OhipEmulator(clock=clock)


@pytest.fixture
def checker(emulator: OhipEmulator, spec: OhipSpec) -> Iterator[SpecChecker]:
    checker = SpecChecker(emulator.app(), spec)
    yield checker
    assert not checker.violations, "\n\n".join(checker.violations)


@pytest.fixture
async def ohip(checker: SpecChecker, emulator: OhipEmulator) -> AsyncIterator[Ohip]:
    transport = httpx.ASGITransport(app=checker)
    async with httpx.AsyncClient(transport=transport, base_url="http://ohip.test") as http:
        yield Ohip(http, emulator)
