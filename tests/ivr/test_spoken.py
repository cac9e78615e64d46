"""How a wake-up's time is read back: the guest's clock, then the day."""

from __future__ import annotations

from datetime import datetime

from connector.ivr.spoken import when
from connector.settings.phone import TimeEntry
from tests.ivr.conftest import HOTEL

NOW = datetime(2026, 3, 10, 22, 0, tzinfo=HOTEL)  # a Tuesday evening


def test_a_24_hour_reading_with_its_day() -> None:
    at = datetime(2026, 3, 11, 6, 5, tzinfo=HOTEL)

    assert when(at, NOW, HOTEL, TimeEntry.H24) == ["digit_6", "oh", "digit_5", "tomorrow"]


def test_a_12_hour_reading_later_in_the_week() -> None:
    at = datetime(2026, 3, 13, 19, 0, tzinfo=HOTEL)

    assert when(at, NOW, HOTEL, TimeEntry.H12) == ["digit_7", "oclock", "pm", "on_friday"]


def test_a_wakeup_a_week_ahead_is_read_without_a_day_rather_than_a_wrong_one() -> None:
    at = datetime(2026, 3, 17, 7, 30, tzinfo=HOTEL)

    assert when(at, NOW, HOTEL, TimeEntry.H24) == ["digit_7", "n_30"]
