"""Pacing: the connector keeps itself under its share of the account's Zoom rate limits."""

from __future__ import annotations

import asyncio
import bisect
import time

import httpx
import respx

from connector.clock import SystemClock
from connector.settings import Plan
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Category, Family, endpoint
from connector.zoom.limiter import Limiters
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import zoom_client, zoom_settings


def _busiest_second(stamps: list[float]) -> int:
    """The most requests sent in any one-second window [t, t + 1)."""
    ordered = sorted(stamps)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


async def test_a_burst_of_requests_never_exceeds_the_configured_rate(
    router: respx.MockRouter,
) -> None:
    # Business plan, full share: Phone API Light is 40 requests per second.
    stamps: list[float] = []

    def device(request: httpx.Request) -> httpx.Response:
        stamps.append(time.monotonic())
        return httpx.Response(200, json={"id": request.url.path.rsplit("/", 1)[-1]})

    router.get(url__regex=r"/v2/phone/devices/d\d+$").mock(side_effect=device)
    settings = zoom_settings(plan="business", rate_limit_share=1.0)
    async with zoom_client(router, SystemClock(), zoom=settings) as zoom:
        zoom_api = ZoomApi(zoom)
        # Token and first-use costs first, so the burst's timestamps measure pacing alone.
        await zoom_api.get_device("d00")
        stamps.clear()
        await asyncio.gather(*(zoom_api.get_device(f"d{n}") for n in range(60)))

    assert len(stamps) == 60
    busiest = _busiest_second(stamps)
    assert busiest <= 40
    assert busiest >= 30, "the limiter should use most of the rate it is given"


def test_the_rate_is_the_plans_limit_times_the_configured_share() -> None:
    limiters = Limiters(Plan.PRO, 0.5, FakeClock())

    assert limiters.get(Family.USERS, Category.LIGHT).rate_per_second == 15
    assert limiters.get(Family.PHONE, Category.MEDIUM).rate_per_second == 5
    assert limiters.get(Family.PHONE, Category.RESOURCE_INTENSIVE).rate_per_second == (
        2.5 / 60
    )
    assert limiters.daily(Family.PHONE).limit == 7_500


def test_every_caller_of_one_category_shares_one_limiter() -> None:
    limiters = Limiters(Plan.BUSINESS, 0.8, FakeClock())

    assert limiters.for_endpoint(endpoint("get_device")) is limiters.for_endpoint(
        endpoint("update_device")
    )
    assert limiters.for_endpoint(endpoint("get_device")) is not limiters.for_endpoint(
        endpoint("get_user")
    )


def test_only_heavy_work_counts_against_the_daily_budget() -> None:
    limiters = Limiters(Plan.BUSINESS, 1.0, FakeClock())

    assert limiters.for_endpoint(endpoint("list_account_voicemails")).daily is not None
    assert limiters.for_endpoint(endpoint("list_devices")).daily is None

