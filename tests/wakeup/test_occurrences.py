"""Daily wake-ups in hotel time (Europe/Lisbon: WET, summer WEST from the last Sunday of
March at 01:00 to the last Sunday of October at 02:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from connector.wakeup.occurrences import local_moment, occurrences
from tests.wakeup.desk import LISBON, local


def test_a_daily_wakeup_keeps_the_wall_time_when_summer_time_starts() -> None:
    times = occurrences(local("2026-03-28 07:00"), 3, LISBON)

    assert [t.strftime("%d %H:%M %Z") for t in times] == [
        "28 07:00 WET", "29 07:00 WEST", "30 07:00 WEST"]


def test_a_daily_wakeup_keeps_the_wall_time_when_summer_time_ends() -> None:
    times = occurrences(local("2026-10-24 06:30"), 3, LISBON)

    assert [t.astimezone(UTC).hour for t in times] == [5, 6, 6]


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    moment = local_moment(date(2026, 3, 29), time(1, 30), LISBON)

    assert moment.strftime("%H:%M %Z") == "02:30 WEST"
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_at_fall_back_rings_at_the_first() -> None:
    moment = local_moment(date(2026, 10, 25), time(1, 30), LISBON)

    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_daily_wakeup_through_the_gap_rings_late_that_day_only() -> None:
    times = occurrences(local("2026-03-28 01:30"), 3, LISBON)

    assert [t.strftime("%d %H:%M") for t in times] == ["28 01:30", "29 02:30", "30 01:30"]
