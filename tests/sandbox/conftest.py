"""Fixtures for the sandbox suite: a frozen-clock sandbox and a spec-checked client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.sandbox import ASGI_OAUTH_URL
from tests.sandbox.sandbox_support import SpecChecker, Zoom
from tests.zoom_spec import ZoomSpec


@pytest.fixture(scope="session")
def spec() -> ZoomSpec:
    return ZoomSpec.load()


@pytest.fixture
def sandbox() -> Sandbox:
    """The demo hotel with a frozen clock: time moves only when a test moves it."""
    return Sandbox(SandboxConfig(frozen_clock=True))


@pytest.fixture
def checker(sandbox: Sandbox, spec: ZoomSpec) -> Iterator[SpecChecker]:
    checker = SpecChecker(sandbox.app(), spec)
    yield checker
    assert not checker.violations, "\n\n".join(checker.violations)


@pytest.fixture
async def zoom(checker: SpecChecker) -> AsyncIterator[Zoom]:
    """A client over ASGI (no sockets), every exchange spec-checked."""
    transport = httpx.ASGITransport(app=checker)
    async with httpx.AsyncClient(transport=transport) as http:
        yield Zoom(http, ASGI_OAUTH_URL)
