"""Fixtures for the Zoom client's unit tests: a fake clock, a respx router, a client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import respx
from prometheus_client import CollectorRegistry

from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import issue_tokens, new_router, zoom_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def router() -> respx.MockRouter:
    """Zoom as the tests script it; the token endpoint hands out token-1, token-2, ..."""
    zoom = new_router()
    issue_tokens(zoom)
    return zoom


@pytest.fixture
async def zoom(
    router: respx.MockRouter, clock: FakeClock, registry: CollectorRegistry
) -> AsyncIterator[ZoomClient]:
    async with zoom_client(router, clock, registry=registry) as client:
        yield client


@pytest.fixture
def zoom_api(zoom: ZoomClient) -> ZoomApi:
    return ZoomApi(zoom)
