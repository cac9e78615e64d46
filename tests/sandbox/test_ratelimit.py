"""Rate limits as Zoom enforces them: per account, family, category, plan; per second and daily."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.ratelimit import (
    QPS_MESSAGE,
    HeaderMode,
    RateLimiter,
    RetryAfterStyle,
)
from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family
from tests.sandbox.sandbox_support import Zoom

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


async def _burst(zoom: Zoom, path: str, n: int) -> list[int]:
    return [(await zoom.get(path)).status_code for _ in range(n)]


async def test_phone_light_allows_20_a_second_on_pro(zoom: Zoom, sandbox: Sandbox) -> None:
    path = f"/phone/users/{sandbox.owner(2101).id}"
    assert await _burst(zoom, path, 21) == [200] * 20 + [429]
    response = await zoom.get(path)
    assert response.json() == {"code": 429, "message": QPS_MESSAGE}
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Category"] == "Light"
    assert response.headers["X-RateLimit-Type"] == "QPS"
    assert response.headers["X-RateLimit-Limit"] == "20"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    sandbox.advance(1)
    assert (await zoom.get(path)).status_code == 200


async def test_successful_answers_count_down_remaining(zoom: Zoom, sandbox: Sandbox) -> None:
    path = f"/phone/users/{sandbox.owner(2101).id}"
    remaining = [(await zoom.get(path)).headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["19", "18", "17"]


async def test_categories_and_families_have_separate_budgets(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room = sandbox.owner(2101)
    assert await _burst(zoom, f"/phone/users/{room.id}", 21) == [200] * 20 + [429]
    assert (await zoom.get("/phone/users")).status_code == 200  # phone Medium
    assert (await zoom.get(f"/users/{room.id}")).status_code == 200  # users Light


async def test_users_light_allows_30_a_second(zoom: Zoom, sandbox: Sandbox) -> None:
    assert await _burst(zoom, f"/users/{sandbox.owner(2101).id}", 31) == [200] * 30 + [429]


async def test_business_plan_doubles_phone_light() -> None:
    limiter = RateLimiter(plan=Plan.BUSINESS)
    verdicts = [limiter.check(Family.PHONE, Category.LIGHT, 0.5, NOON).allowed
                for _ in range(41)]
    assert verdicts == [True] * 40 + [False]


async def test_windows_are_whole_seconds_of_the_sandbox_clock() -> None:
    limiter = RateLimiter()
    for _ in range(10):
        assert limiter.check(Family.PHONE, Category.MEDIUM, 0.9, NOON).allowed
    late = limiter.check(Family.PHONE, Category.MEDIUM, 0.95, NOON)
    assert not late.allowed
    assert abs(late.retry_seconds - 0.05) < 1e-9
    assert limiter.check(Family.PHONE, Category.MEDIUM, 1.0, NOON).allowed


async def test_heavy_daily_budget_then_midnight(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.limiter.use_daily(Family.PHONE, 15_000 - 2, sandbox.clock.now())
    assert await _burst(zoom, "/phone/voice_mails", 3) == [200, 200, 429]
    response = await zoom.get("/phone/voice_mails")
    assert response.status_code == 429
    assert "daily rate limit (15000)" in response.json()["message"]
    assert response.headers["X-RateLimit-Type"] == "Daily-limit"
    assert response.headers["X-RateLimit-Category"] == "Heavy"
    assert response.headers["Retry-After"] == "2026-03-03T00:00:00Z"
    # Light calls are not on the daily budget.
    assert (await zoom.delete(f"/phone/voice_mails/{sandbox.add_voicemail(2101).id}")
            ).status_code == 204
    sandbox.clock.advance_to(datetime(2026, 3, 3, 0, 0, 0, tzinfo=UTC))
    await zoom.login()
    assert (await zoom.get("/phone/voice_mails")).status_code == 200


async def test_heavy_and_resource_intensive_share_the_daily_budget() -> None:
    limiter = RateLimiter()
    limiter.set_daily_limit(Family.PHONE, 2)
    assert limiter.check(Family.PHONE, Category.HEAVY, 0, NOON).allowed
    assert limiter.check(Family.PHONE, Category.RESOURCE_INTENSIVE, 0, NOON).allowed
    verdict = limiter.check(Family.PHONE, Category.HEAVY, 5, NOON)
    assert (verdict.allowed, verdict.daily) == (False, True)
    assert limiter.check(Family.USERS, Category.HEAVY, 0, NOON).allowed  # its own table


async def test_resource_intensive_counts_per_minute() -> None:
    limiter = RateLimiter()
    assert all(limiter.check(Family.PHONE, Category.RESOURCE_INTENSIVE, t, NOON).allowed
               for t in range(5))
    verdict = limiter.check(Family.PHONE, Category.RESOURCE_INTENSIVE, 30, NOON)
    assert not verdict.allowed
    assert "per-minute" in limiter.rejection_message(verdict)
    assert limiter.check(Family.PHONE, Category.RESOURCE_INTENSIVE, 60, NOON).allowed


async def test_retry_after_as_an_http_date(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.limiter.retry_after = RetryAfterStyle.HTTP_DATE
    sandbox.advance(0.25)
    await _burst(zoom, "/phone/users", 10)
    response = await zoom.get("/phone/users")
    assert response.status_code == 429
    when = parsedate_to_datetime(response.headers["Retry-After"])
    assert when == datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC)


async def test_retry_after_as_iso_for_per_second_limits(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.limiter.retry_after = RetryAfterStyle.ISO
    await _burst(zoom, "/phone/users", 10)
    response = await zoom.get("/phone/users")
    assert response.headers["Retry-After"] == "2026-03-02T09:00:01Z"


async def test_retry_after_and_rate_headers_can_be_absent(zoom: Zoom, sandbox: Sandbox) -> None:
    sandbox.limiter.retry_after = RetryAfterStyle.ABSENT
    sandbox.limiter.headers = HeaderMode.NEVER
    await _burst(zoom, "/phone/users", 10)
    response = await zoom.get("/phone/users")
    assert response.status_code == 429
    assert "Retry-After" not in response.headers
    assert not [h for h in response.headers if h.lower().startswith("x-ratelimit")]


async def test_random_styles_are_reproducible_from_the_seed() -> None:
    def styles(seed: int) -> list[str | None]:
        limiter = RateLimiter(retry_after=RetryAfterStyle.RANDOM, headers=HeaderMode.RANDOM,
                              rng=random.Random(seed))
        limiter.set_limit(Family.PHONE, Category.LIGHT, 0)
        out = []
        for _ in range(40):
            verdict = limiter.check(Family.PHONE, Category.LIGHT, 0.5, NOON)
            out.append(limiter.response_headers(verdict).get("Retry-After"))
        return out

    first = styles(3)
    assert first == styles(3)
    assert None in first
    assert "1" in first
    assert "2026-03-02T12:00:01Z" in first
    assert "Mon, 02 Mar 2026 12:00:01 GMT" in first


async def test_another_app_takes_the_budget_mid_run(zoom: Zoom, sandbox: Sandbox) -> None:
    assert await _burst(zoom, "/phone/users", 5) == [200] * 5
    response = await zoom.admin("POST", "/ratelimits",
                                {"family": "phone", "category": "medium", "limit": 6})
    assert response.json()["windows"]["phone.medium"]["requests"] == 6
    assert await _burst(zoom, "/phone/users", 2) == [200, 429]
    sandbox.advance(1)
    assert await _burst(zoom, "/phone/users", 7) == [200] * 6 + [429]
    await zoom.admin("DELETE", "/ratelimits")
    sandbox.advance(1)
    assert await _burst(zoom, "/phone/users", 10) == [200] * 10


async def test_rate_limits_can_be_switched_off() -> None:
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, rate_limits=False))
    limiter = sandbox.limiter
    assert all(limiter.check(Family.PHONE, Category.LIGHT, 0, NOON).allowed for _ in range(100))


async def test_rejected_requests_do_not_count() -> None:
    limiter = RateLimiter()
    limiter.set_daily_limit(Family.PHONE, 0)
    for _ in range(3):
        assert not limiter.check(Family.PHONE, Category.HEAVY, 0, NOON).allowed
    limiter.set_daily_limit(Family.PHONE, 5)
    assert limiter.daily_used(Family.PHONE, NOON) == 0
