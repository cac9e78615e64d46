"""Once per hotel day: a missed day runs late (the erasure) or only within a window (the
housekeeping reset); DST nights neither skip nor double a day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.daily_schedule import DailySchedule

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def test_a_day_missed_while_down_runs_at_the_next_start_without_a_window() -> None:
    erasure = DailySchedule.parse("03:30", PARIS)
    assert erasure.due(at(10, 3, 0), last_done=date(2026, 3, 8)) == date(2026, 3, 9)
    assert erasure.due(at(10, 3, 30), last_done=date(2026, 3, 9)) == date(2026, 3, 10)
    assert erasure.due(at(10, 18, 0), last_done=date(2026, 3, 10)) is None
    assert erasure.due(at(10, 3, 0), last_done=None) == date(2026, 3, 9)


def test_with_a_window_a_late_start_skips_the_day() -> None:
    reset = DailySchedule.parse("03:00", PARIS, catch_up=timedelta(minutes=30))
    assert reset.due(at(10, 3, 10), last_done=date(2026, 3, 9)) == date(2026, 3, 10)
    assert reset.due(at(10, 3, 45), last_done=date(2026, 3, 9)) is None
    assert reset.due(at(10, 2, 59), last_done=date(2026, 3, 8)) is None


def test_a_time_in_the_spring_gap_moves_forward_and_the_next_run_follows() -> None:
    schedule = DailySchedule.parse("02:30", PARIS)
    assert schedule.moment(date(2026, 3, 29)) == at(29, 3, 30)
    assert schedule.next_after(at(28, 12, 0)) == at(29, 3, 30)
