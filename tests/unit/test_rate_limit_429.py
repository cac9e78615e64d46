"""429s: Zoom's Retry-After is honoured in each of its forms, the category slows down and
recovers gradually, and the daily limit makes Heavy work wait for the next UTC day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Family, endpoint
from connector.zoom.client import ZoomClient
from connector.zoom.daily_budget import DailyBudget
from connector.zoom.errors import ZoomApiError, ZoomUnavailable
from tests.support.fake_clock import DEFAULT_START, FakeClock
from tests.support.zoom_factories import api, zoom_client, zoom_error

USER = {"id": "u1204", "display_name": "Room 1204"}
PER_SECOND = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY = (
    "You have exceeded the daily rate limit (30000) of Heavy API requests permitted for this "
    "particular API. You may resume these requests at GMT 00:00:00."
)
LATE_EVENING = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
NEXT_MIDNIGHT = datetime(2026, 3, 11, tzinfo=UTC)


def _scripted(
    router: respx.MockRouter, clock: FakeClock, url: str, *answers: httpx.Response
) -> list[datetime]:
    """Answer `url` with `answers` in turn; returns when (on the fake clock) each came in."""
    arrivals: list[datetime] = []
    queue = iter(answers)

    def zoom_side(_request: httpx.Request) -> httpx.Response:
        arrivals.append(clock.now())
        return next(queue)

    router.get(url).mock(side_effect=zoom_side)
    return arrivals


def _too_many(retry_after: str | None = None, **headers: str) -> httpx.Response:
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return zoom_error(429, 429, PER_SECOND, **headers)


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        pytest.param("2", 2.0, 2.0, id="seconds"),
        pytest.param(
            format_datetime(DEFAULT_START + timedelta(seconds=5), usegmt=True), 5.0, 5.0,
            id="http-date",
        ),
        pytest.param("2026-03-10T09:00:03Z", 3.0, 3.0, id="iso-timestamp"),
        pytest.param(None, 0.5, 1.0, id="missing: backoff with jitter"),
    ],
)
async def test_a_429_waits_as_zoom_asks_then_the_call_goes_through(
    router: respx.MockRouter,
    clock: FakeClock,
    zoom_api: ZoomApi,
    retry_after: str | None,
    low: float,
    high: float,
) -> None:
    arrivals = _scripted(
        router, clock, api("/users/u1204"), _too_many(retry_after), httpx.Response(200, json=USER)
    )

    user = await zoom_api.get_user("u1204")

    assert user.id == "u1204"
    assert len(arrivals) == 2
    waited = (arrivals[1] - arrivals[0]).total_seconds()
    assert low <= waited <= high
    assert any(low <= s <= high for s in clock.sleeps)


async def test_after_a_429_the_category_slows_down_and_recovers_step_by_step(
    router: respx.MockRouter, clock: FakeClock, zoom: ZoomClient
) -> None:
    _scripted(
        router, clock, api("/users/u1204"),
        _too_many("1"), *[httpx.Response(200, json=USER)] * 8,
    )
    zoom_api = ZoomApi(zoom)
    limiter = zoom.limiters.for_endpoint(endpoint("get_user"))
    full_rate = limiter.rate_per_second

    await zoom_api.get_user("u1204")
    assert limiter.factor == 0.5
    assert limiter.rate_per_second == full_rate / 2

    await zoom_api.get_user("u1204")  # too soon: no recovery yet
    assert limiter.factor == 0.5

    factors = []
    for _ in range(6):
        clock.advance(10)
        await zoom_api.get_user("u1204")
        factors.append(round(limiter.factor, 2))
    assert factors == [0.6, 0.7, 0.8, 0.9, 1.0, 1.0]


async def test_repeated_429s_brake_harder_but_never_stop_the_category(
    router: respx.MockRouter, clock: FakeClock, zoom: ZoomClient
) -> None:
    _scripted(
        router, clock, api("/users/u1204"),
        *[_too_many("1")] * 5, httpx.Response(200, json=USER),
    )

    await ZoomApi(zoom).get_user("u1204")

    assert zoom.limiters.for_endpoint(endpoint("get_user")).factor == 0.1


async def test_other_categories_keep_their_pace_while_one_is_braked(
    router: respx.MockRouter, clock: FakeClock, zoom: ZoomClient
) -> None:
    _scripted(router, clock, api("/users/u1204"), _too_many("1"), httpx.Response(200, json=USER))

    await ZoomApi(zoom).get_user("u1204")

    assert zoom.limiters.for_endpoint(endpoint("list_users")).factor == 1.0
    assert zoom.limiters.for_endpoint(endpoint("get_device")).factor == 1.0


async def test_ten_429s_in_a_row_give_up_with_zoom_unavailable(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    arrivals = _scripted(
        router, clock, api("/users/u1204"),
        *[_too_many("1")] * 10, httpx.Response(200, json=USER),
    )

    with pytest.raises(ZoomUnavailable) as caught:
        await zoom_api.get_user("u1204", intent="read room 1204's user")

    assert len(arrivals) == 10
    assert caught.value.intent == "read room 1204's user"
    assert "10 rate-limit answer(s)" in str(caught.value)


async def test_the_daily_limit_on_heavy_work_waits_until_the_next_utc_midnight(
    router: respx.MockRouter,
) -> None:
    clock = FakeClock(LATE_EVENING)
    arrivals = _scripted(
        router, clock, api("/phone/voice_mails"),
        zoom_error(429, 429, DAILY, **{
            "X-RateLimit-Category": "Heavy", "X-RateLimit-Type": "Daily-limit",
            "Retry-After": "2026-03-11T00:00:00Z",
        }),
        httpx.Response(200, json={"voice_mails": [{"id": "vm1"}], "next_page_token": ""}),
    )

    async with zoom_client(router, clock) as zoom:
        voicemails = await ZoomApi(zoom).list_account_voicemails()

    assert [v.id for v in voicemails] == ["vm1"]
    assert arrivals[0] == LATE_EVENING
    assert arrivals[1] >= NEXT_MIDNIGHT
    assert arrivals[1] - NEXT_MIDNIGHT < timedelta(seconds=1)


async def test_a_daily_limit_429_without_headers_also_waits_for_midnight(
    router: respx.MockRouter,
) -> None:
    clock = FakeClock(LATE_EVENING)
    arrivals = _scripted(
        router, clock, api("/phone/voice_mails"),
        zoom_error(429, 429, DAILY),
        httpx.Response(200, json={"voice_mails": [], "next_page_token": ""}),
    )

    async with zoom_client(router, clock) as zoom:
        await ZoomApi(zoom).list_account_voicemails()

    assert arrivals[1] >= NEXT_MIDNIGHT


async def test_a_daily_cap_on_a_light_call_is_reported_not_waited_for(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    arrivals = _scripted(
        router, clock, api("/users/u1204"),
        zoom_error(429, 429, "You have reached the daily limit for this user."),
    )

    with pytest.raises(ZoomApiError) as caught:
        await zoom_api.get_user("u1204")

    assert caught.value.status == 429
    assert len(arrivals) == 1
    assert clock.slept < 60


async def test_when_the_daily_budget_is_spent_heavy_work_waits_for_the_next_utc_day(
    router: respx.MockRouter,
) -> None:
    clock = FakeClock(LATE_EVENING)
    arrivals = _scripted(
        router, clock, api("/phone/voice_mails"),
        httpx.Response(200, json={"voice_mails": [{"id": "vm1"}], "next_page_token": ""}),
    )
    users = _scripted(router, clock, api("/users/u1204"), httpx.Response(200, json=USER))

    async with zoom_client(router, clock) as zoom:
        budget = zoom.limiters.daily(Family.PHONE)
        for _ in range(budget.limit):
            await budget.take()
        assert budget.remaining == 0

        await ZoomApi(zoom).get_user("u1204")  # Light work is not held back
        assert users == [LATE_EVENING]

        voicemails = await ZoomApi(zoom).list_account_voicemails()

        assert [v.id for v in voicemails] == ["vm1"]
        assert arrivals[0] >= NEXT_MIDNIGHT
        assert budget.remaining == budget.limit - 1


async def test_a_daily_limit_that_zoom_lifts_early_is_honoured_to_the_minute() -> None:
    clock = FakeClock(LATE_EVENING)
    budget = DailyBudget(100, clock)
    budget.exhausted_by_zoom(LATE_EVENING + timedelta(minutes=5))

    waited = await budget.take()

    assert waited == pytest.approx(300)
    assert clock.now() < NEXT_MIDNIGHT
