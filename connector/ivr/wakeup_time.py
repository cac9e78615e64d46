"""Wake-up times keyed on the room phone, and when they fall (pure).

Times are local wall-clock times of the hotel. A local time that does not exist on a DST
night (02:30 when clocks jump from 02:00 to 03:00) falls at the same instant as it would have
(03:30 local); one that happens twice (the night clocks go back) is taken the first time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, tzinfo

from connector.rooms.state import Wakeup
from connector.wakeup.occurrences import local_moment, occurrences

AM_KEY, PM_KEY = "1", "2"


def parse_24h(keys: str) -> time | None:
    """HHMM on a 24-hour clock: "0705" → 07:05, "1900" → 19:00; None if not a time."""
    clock = _hhmm(keys)
    if clock is None or not (0 <= clock[0] <= 23 and 0 <= clock[1] <= 59):
        return None
    return time(*clock)


def parse_12h(keys: str) -> tuple[int, int] | None:
    """HHMM on a 12-hour clock, before AM/PM is chosen: "0705" → (7, 5); hours 1-12."""
    clock = _hhmm(keys)
    if clock is None or not (1 <= clock[0] <= 12 and 0 <= clock[1] <= 59):
        return None
    return clock


def with_meridiem(clock: tuple[int, int], key: str) -> time | None:
    """The 12-hour clock with the AM (1) or PM (2) key: 12:15 AM → 00:15, 12:15 PM → 12:15."""
    if key not in (AM_KEY, PM_KEY):
        return None
    hour, minute = clock
    return time(hour % 12 + (12 if key == PM_KEY else 0), minute)


def _hhmm(keys: str) -> tuple[int, int] | None:
    if len(keys) != 4 or not (keys.isascii() and keys.isdigit()):
        return None
    return int(keys[:2]), int(keys[2:])


def next_occurrence(at: time, now: datetime, tz: tzinfo) -> datetime:
    """`at` today if still ahead, else tomorrow, as an aware hotel-local datetime."""
    today = now.astimezone(tz).date()
    moment = local_moment(today, at, tz)
    return moment if moment > now else local_moment(today + timedelta(days=1), at, tz)


def passed_today(at: time, now: datetime, tz: tzinfo) -> bool:
    """The time is already past today (so its call is tomorrow)."""
    return local_moment(now.astimezone(tz).date(), at, tz) <= now


def upcoming(wakeup: Wakeup, now: datetime, tz: tzinfo) -> datetime | None:
    """The wake-up's next call after `now` (a daily one repeats at the same local time for
    `days` days, as the scheduler places it), or None when it is over."""
    return next((moment for moment in occurrences(wakeup.at, wakeup.days, tz)
                 if moment > now), None)


def next_wakeup(wakeups: Iterable[Wakeup], now: datetime,
                tz: tzinfo) -> tuple[Wakeup, datetime] | None:
    """The room's wake-up that calls next, and when."""
    calls = [(moment, wakeup) for wakeup in wakeups
             if (moment := upcoming(wakeup, now, tz)) is not None]
    if not calls:
        return None
    moment, wakeup = min(calls, key=lambda pair: pair[0])
    return wakeup, moment
