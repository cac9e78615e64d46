"""Which stretch of Zoom's call history the poll lists next, and what a day of it costs."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from connector.billing.poll_plan import (
    CHUNK,
    FIRST_LOOKBACK,
    MAX_CATCH_UP,
    MIN_EVERY,
    OVERLAP,
    PAGE_SIZE,
    SETTLE,
    Cadence,
    HeavyShare,
    Window,
    cadence,
    daily_share,
    next_window,
    pages_per_day,
)
from connector.settings.model import Plan

EVENING = datetime(2026, 12, 7, 21, 0, 30, 250_000, tzinfo=UTC)
NOW = EVENING.replace(microsecond=0)


def test_the_first_listing_reaches_back_past_zooms_last_webhook_retry() -> None:
    window = next_window(None, EVENING).window

    assert window is not None
    assert window.end == NOW - SETTLE
    assert window.start == window.end - FIRST_LOOKBACK
    # Zoom's last retry of a webhook comes 5 + 20 + 60 minutes after the call.
    assert timedelta(minutes=85) < FIRST_LOOKBACK


def test_the_next_listing_starts_a_little_before_where_the_last_ended() -> None:
    watermark = NOW - timedelta(minutes=35)

    window = next_window(watermark, EVENING).window

    assert window == Window(watermark - OVERLAP, NOW - SETTLE)


def test_nothing_is_listed_when_the_history_is_listed_up_to_a_few_minutes_ago() -> None:
    assert next_window(NOW - SETTLE, EVENING).window is None
    assert next_window(NOW, EVENING).window is None


def test_after_two_days_down_the_catch_up_goes_oldest_first_in_chunks() -> None:
    watermark = NOW - timedelta(days=2)

    plan = next_window(watermark, EVENING)

    assert plan.window == Window(watermark - OVERLAP, watermark - OVERLAP + CHUNK)
    assert plan.skipped == timedelta(0)


def test_after_a_month_down_only_the_last_week_is_listed_and_the_rest_is_said() -> None:
    watermark = NOW - timedelta(days=30)

    plan = next_window(watermark, EVENING)

    assert plan.window is not None
    assert plan.window.start == NOW - SETTLE - MAX_CATCH_UP
    assert plan.skipped == timedelta(days=23) - SETTLE + OVERLAP


def test_zoom_is_asked_for_whole_seconds_in_utc() -> None:
    lisbon_evening = datetime.fromisoformat("2026-12-07T21:00:30+01:00")
    window = Window(lisbon_evening, lisbon_evening + timedelta(minutes=30))

    assert window.query() == {"from": "2026-12-07T20:00:30Z", "to": "2026-12-07T20:30:30Z"}


def test_a_small_hotel_lists_every_interval_in_one_page() -> None:
    assert cadence(400 / 1440, timedelta(minutes=60)) == Cadence(timedelta(minutes=60), 1)
    assert pages_per_day(calls_per_day=400, interval_minutes=60) == 24


def test_a_thousand_busy_rooms_list_full_pages_within_two_percent_of_pro() -> None:
    minimum = math.ceil(20_000 / PAGE_SIZE)

    pages = pages_per_day(calls_per_day=20_000, interval_minutes=60)

    assert pages <= 1.2 * minimum
    assert pages <= daily_share(Plan.PRO, 0.02) == 300


def test_a_busy_hotel_lists_as_soon_as_its_pages_are_nearly_full() -> None:
    rows_per_minute = 20_000 / 1440  # ~430 in 31 minutes: more than a page, short of two

    plan = cadence(rows_per_minute, timedelta(minutes=30))

    assert plan.pages == 1
    listed = rows_per_minute * ((plan.every + OVERLAP) / timedelta(minutes=1))
    assert 0.85 * PAGE_SIZE < listed < PAGE_SIZE


def test_however_busy_the_hotel_listings_come_minutes_apart_in_more_pages() -> None:
    plan = cadence(200_000 / 1440, timedelta(minutes=5))

    assert plan == Cadence(MIN_EVERY, 3)


def test_until_the_rate_is_known_the_poll_lists_every_interval() -> None:
    assert cadence(None, timedelta(minutes=60)) == Cadence(timedelta(minutes=60), 1)


def test_the_share_is_of_the_plans_daily_heavy_budget() -> None:
    assert daily_share(Plan.PRO, 0.02) == 300
    assert daily_share(Plan.BUSINESS, 0.05) == 1500


def test_the_days_heavy_count_starts_again_at_utc_midnight() -> None:
    used = HeavyShare(date(2026, 12, 7), 300)

    assert used.on(EVENING) == used
    assert used.on(datetime(2026, 12, 8, 0, 0, 1, tzinfo=UTC)) == HeavyShare(date(2026, 12, 8))


def test_the_days_heavy_count_survives_a_restart_and_a_bad_value_starts_at_zero() -> None:
    used = HeavyShare(date(2026, 12, 7), 42)

    assert HeavyShare.from_text(used.to_text(), EVENING) == used
    assert HeavyShare.from_text("yesterday lots", EVENING) == HeavyShare(date(2026, 12, 7))
    assert HeavyShare.from_text(None, EVENING).used == 0
