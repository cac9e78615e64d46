"""How the connector reads numbers, times and days to a guest (prompt names, no audio)."""

from __future__ import annotations

from datetime import date, time

import pytest

from connector.voice.phrases import PHRASES
from connector.voice.speech import count, day, digits, number, spell, time_12h, time_24h


def test_a_room_number_is_read_digit_by_digit() -> None:
    assert digits("1204") == ["digit_1", "digit_2", "digit_0", "digit_4"]


def test_star_and_hash_keys_are_named() -> None:
    assert digits("*9#") == ["star", "digit_9", "hash"]


def test_a_letter_is_not_a_digit() -> None:
    with pytest.raises(ValueError, match="'A'"):
        digits("12A")


def test_a_room_number_with_a_letter_is_spelt() -> None:
    assert spell("12B") == ["digit_1", "digit_2", "letter_b"]


def test_separators_printed_in_room_numbers_are_not_spoken() -> None:
    assert spell("PH-1") == ["letter_p", "letter_h", "digit_1"]


def test_a_room_number_with_nothing_speakable_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing to speak"):
        spell(" - ")


@pytest.mark.parametrize(
    ("n", "names"),
    [
        (0, ["digit_0"]),
        (7, ["digit_7"]),
        (10, ["n_10"]),
        (15, ["n_15"]),
        (20, ["n_20"]),
        (42, ["n_40", "digit_2"]),
        (99, ["n_90", "digit_9"]),
    ],
)
def test_numbers_are_read_as_words(n: int, names: list[str]) -> None:
    assert number(n) == names


@pytest.mark.parametrize("n", [-1, 100])
def test_numbers_outside_0_to_99_are_refused(n: int) -> None:
    with pytest.raises(ValueError, match=str(n)):
        number(n)


def test_the_operator_hears_one_try_but_three_tries() -> None:
    assert count(1, "try", "tries") == ["digit_1", "try"]
    assert count(3, "try", "tries") == ["digit_3", "tries"]


@pytest.mark.parametrize(
    ("clock", "names"),
    [
        (time(7, 5), ["digit_7", "oh", "digit_5", "am"]),
        (time(7, 0), ["digit_7", "oclock", "am"]),
        (time(6, 45), ["digit_6", "n_40", "digit_5", "am"]),
        (time(12, 30), ["n_12", "n_30", "pm"]),
        (time(12, 0), ["n_12", "oclock", "pm"]),
        (time(0, 15), ["n_12", "n_15", "am"]),
        (time(0, 0), ["n_12", "oclock", "am"]),
        (time(19, 0), ["digit_7", "oclock", "pm"]),
        (time(23, 59), ["n_11", "n_50", "digit_9", "pm"]),
    ],
)
def test_twelve_hour_times_are_read_as_guests_say_them(clock: time, names: list[str]) -> None:
    assert time_12h(clock) == names


@pytest.mark.parametrize(
    ("clock", "names"),
    [
        (time(7, 5), ["digit_7", "oh", "digit_5"]),
        (time(7, 0), ["digit_7", "hundred"]),
        (time(19, 0), ["n_19", "hundred"]),
        (time(19, 30), ["n_19", "n_30"]),
        (time(0, 15), ["digit_0", "n_15"]),
        (time(0, 0), ["midnight"]),
        (time(12, 0), ["n_12", "hundred"]),
        (time(23, 9), ["n_20", "digit_3", "oh", "digit_9"]),
    ],
)
def test_twenty_four_hour_times_are_read_like_a_timetable(clock: time, names: list[str]) -> None:
    assert time_24h(clock) == names


def test_seconds_are_not_spoken() -> None:
    assert time_24h(time(6, 30, 59)) == time_24h(time(6, 30))


def test_a_wakeup_is_today_or_tomorrow_or_a_weekday_within_the_week() -> None:
    monday = date(2026, 11, 23)
    assert day(monday, today=monday) == ["today"]
    assert day(date(2026, 11, 24), today=monday) == ["tomorrow"]
    assert day(date(2026, 11, 25), today=monday) == ["on_wednesday"]
    assert day(date(2026, 11, 29), today=monday) == ["on_sunday"]


@pytest.mark.parametrize("when", [date(2026, 11, 22), date(2026, 11, 30)])
def test_days_in_the_past_or_a_week_away_are_refused(when: date) -> None:
    with pytest.raises(ValueError, match="six days"):
        day(when, today=date(2026, 11, 23))


def test_every_name_the_rules_can_produce_is_a_prompt() -> None:
    produced = set(digits("0123456789*#")) | set(spell("abcdefghijklmnopqrstuvwxyz"))
    produced |= {name for n in range(100) for name in number(n)}
    produced |= {name for h in range(24) for m in range(60) for name in time_12h(time(h, m))}
    produced |= {name for h in range(24) for m in range(60) for name in time_24h(time(h, m))}
    monday = date(2026, 11, 23)
    produced |= {name for d in range(23, 30) for name in day(date(2026, 11, d), today=monday)}
    assert produced <= set(PHRASES), produced - set(PHRASES)
