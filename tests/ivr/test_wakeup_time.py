"""Keyed wake-up times and when they fall, in hotel time, DST nights included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from connector.ivr.wakeup_time import (
    next_occurrence,
    next_wakeup,
    parse_12h,
    parse_24h,
    upcoming,
    with_meridiem,
)
from connector.rooms.state import Wakeup
from tests.ivr.conftest import HOTEL


@pytest.mark.parametrize(("keys", "expected"), [
    ("0000", time(0, 0)), ("0705", time(7, 5)), ("2359", time(23, 59)),
    ("2400", None), ("0760", None), ("705", None), ("07*5", None), ("", None),
])
def test_24_hour_times(keys: str, expected: time | None) -> None:
    assert parse_24h(keys) == expected


@pytest.mark.parametrize(("keys", "meridiem", "expected"), [
    ("0705", "1", time(7, 5)), ("0705", "2", time(19, 5)),
    ("1200", "1", time(0, 0)), ("1200", "2", time(12, 0)),
    ("1259", "2", time(12, 59)),
])
def test_12_hour_times(keys: str, meridiem: str, expected: time) -> None:
    clock = parse_12h(keys)
    assert clock is not None and with_meridiem(clock, meridiem) == expected


@pytest.mark.parametrize("keys", ["0000", "1300", "0060", "0705#"])
def test_impossible_12_hour_times(keys: str) -> None:
    assert parse_12h(keys) is None


def test_only_1_and_2_choose_am_or_pm() -> None:
    assert with_meridiem((7, 5), "3") is None


def test_a_time_still_ahead_today_falls_today_else_tomorrow() -> None:
    now = datetime(2026, 3, 10, 10, 0, tzinfo=HOTEL)

    assert next_occurrence(time(10, 1), now, HOTEL) == datetime(2026, 3, 10, 10, 1, tzinfo=HOTEL)
    assert next_occurrence(time(10, 0), now, HOTEL) == datetime(2026, 3, 11, 10, 0, tzinfo=HOTEL)


def test_a_time_the_spring_forward_night_skips_rings_an_hour_later_on_the_wall_clock() -> None:
    # Rome: 29 March 2026, 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    evening = datetime(2026, 3, 28, 23, 0, tzinfo=HOTEL)

    moment = next_occurrence(time(2, 30), evening, HOTEL)

    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (moment.hour, moment.minute, moment.utcoffset()) == (3, 30, timedelta(hours=2))


def test_a_time_the_fall_back_night_repeats_rings_the_first_time() -> None:
    # Rome: 25 October 2026, 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    evening = datetime(2026, 10, 24, 23, 0, tzinfo=HOTEL)

    moment = next_occurrence(time(2, 30), evening, HOTEL)

    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_daily_wakeup_calls_at_the_same_wall_clock_time_across_a_dst_change() -> None:
    daily = Wakeup(at=datetime(2026, 3, 28, 7, 0, tzinfo=HOTEL), days=3)
    after_first = datetime(2026, 3, 28, 8, 0, tzinfo=HOTEL)

    moment = upcoming(daily, after_first, HOTEL)

    assert moment is not None and moment.astimezone(HOTEL).time() == time(7, 0)
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # now CEST
    assert upcoming(daily, datetime(2026, 3, 30, 7, 0, tzinfo=HOTEL), HOTEL) is None


def test_the_next_wakeup_is_the_earliest_call_still_ahead() -> None:
    now = datetime(2026, 3, 10, 10, 0, tzinfo=HOTEL)
    past = Wakeup(at=datetime(2026, 3, 10, 6, 0, tzinfo=HOTEL))
    later = Wakeup(at=datetime(2026, 3, 12, 6, 0, tzinfo=HOTEL))
    sooner = Wakeup(at=datetime(2026, 3, 11, 8, 0, tzinfo=HOTEL))

    assert next_wakeup([past, later, sooner], now, HOTEL) == (sooner, sooner.at)
    assert next_wakeup([past], now, HOTEL) is None
