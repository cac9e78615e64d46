"""Times as the hotel reads them: its own zone, labelled so nobody takes them for UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connector.hotel_time import hotel_time

NINE_UTC = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_a_berlin_hotel_reads_ten_o_clock_cet() -> None:
    assert hotel_time(NINE_UTC, ZoneInfo("Europe/Berlin")) == "2026-03-10 10:00 CET"


def test_a_zone_without_an_abbreviation_is_named() -> None:
    # tzdata has only "-03" for Sao Paulo: the zone's name says more than a bare offset.
    assert hotel_time(NINE_UTC, ZoneInfo("America/Sao_Paulo")) == (
        "2026-03-10 06:00 America/Sao_Paulo")


def test_the_date_is_left_out_on_the_same_hotel_day_only() -> None:
    new_york = ZoneInfo("America/New_York")
    late = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # still the 10th in New York

    assert hotel_time(late, new_york, same_day_as=NINE_UTC) == "23:30 EDT"
    assert hotel_time(late, ZoneInfo("UTC"), same_day_as=NINE_UTC) == "2026-03-11 03:30 UTC"


def test_seconds_when_asked() -> None:
    assert hotel_time(NINE_UTC, UTC, seconds=True) == "2026-03-10 09:00:00 UTC"


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        hotel_time(datetime(2026, 3, 10, 9, 0), UTC)
