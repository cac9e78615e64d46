"""How numbers, times and days are spoken: pure rules that return prompt NAMES.

`PromptLibrary.say(names, language)` turns the names into audio. Readings (docs/prompts.md):

- digits and room numbers one symbol at a time: "1204" → one two zero four;
- numbers 0 to 99 as words: 7 → seven, 15 → fifteen, 42 → forty two;
- 12-hour times: 7:05 → seven oh five A M, 7:00 → seven o'clock A M, 0:15 → twelve fifteen A M;
- 24-hour times as airlines and railways read them: 07:05 → seven oh five, 19:00 → nineteen
  hundred, 19:30 → nineteen thirty, 00:15 → zero fifteen, and 00:00 → midnight (a guest
  hears "zero hundred" as a mistake).
"""

from __future__ import annotations

from datetime import date, time

_SYMBOLS = {"*": "star", "#": "hash"}
# Printed inside room numbers ("12-A", "PH 1") but not spoken.
_SEPARATORS = frozenset(" -./")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def digits(keys: str) -> list[str]:
    """Each digit, `*` and `#` of `keys` on its own: "1204" → digit_1, digit_2, digit_0, digit_4."""
    names: list[str] = []
    for key in keys:
        if key.isascii() and key.isdigit():
            names.append(f"digit_{key}")
        elif key in _SYMBOLS:
            names.append(_SYMBOLS[key])
        else:
            raise ValueError(f"cannot speak {key!r} in {keys!r} as a digit")
    return names


def spell(text: str) -> list[str]:
    """A room number or code symbol by symbol, letters included: "12B" → one two B.
    Separators (space, dash, dot, slash) are skipped."""
    names: list[str] = []
    for char in text:
        if char in _SEPARATORS:
            continue
        if char.isascii() and char.isalpha():
            names.append(f"letter_{char.lower()}")
        else:
            names += digits(char)
    if not names:
        raise ValueError(f"nothing to speak in {text!r}")
    return names


def number(n: int) -> list[str]:
    """A whole number from 0 to 99 as words: 7 → digit_7, 15 → n_15, 42 → n_40 digit_2."""
    if not 0 <= n <= 99:
        raise ValueError(f"can speak numbers from 0 to 99, not {n}")
    if n < 10:
        return [f"digit_{n}"]
    if n < 20:
        return [f"n_{n}"]
    tens, units = divmod(n, 10)
    return [f"n_{tens * 10}"] + ([f"digit_{units}"] if units else [])


def count(n: int, one: str, many: str) -> list[str]:
    """A number followed by the right form of its noun: count(1, "try", "tries") → one try."""
    return [*number(n), one if n == 1 else many]


def _minutes_after_hour(minute: int) -> list[str]:
    # "oh five" keeps 7:05 from sounding like 7:50.
    return ["oh", f"digit_{minute}"] if minute < 10 else number(minute)


def time_12h(t: time) -> list[str]:
    """A clock time the way guests say it: 7:05 → seven oh five A M, 19:00 → seven o'clock P M,
    12:30 → twelve thirty P M, 0:15 → twelve fifteen A M."""
    hour = t.hour % 12 or 12
    minutes = ["oclock"] if t.minute == 0 else _minutes_after_hour(t.minute)
    return [*number(hour), *minutes, "am" if t.hour < 12 else "pm"]


def time_24h(t: time) -> list[str]:
    """A 24-hour time: 07:05 → seven oh five, 19:00 → nineteen hundred, 19:30 → nineteen
    thirty, 00:15 → zero fifteen, 00:00 → midnight."""
    if t.hour == 0 and t.minute == 0:
        return ["midnight"]
    minutes = ["hundred"] if t.minute == 0 else _minutes_after_hour(t.minute)
    return [*number(t.hour), *minutes]


def day(when: date, today: date) -> list[str]:
    """Which day `when` is, seen from `today`: today, tomorrow, or "on Friday" within the week."""
    ahead = (when - today).days
    if ahead == 0:
        return ["today"]
    if ahead == 1:
        return ["tomorrow"]
    if 2 <= ahead <= 6:
        return [f"on_{_WEEKDAYS[when.weekday()]}"]
    raise ValueError(f"can speak days up to six days ahead, not {when} seen from {today}")
