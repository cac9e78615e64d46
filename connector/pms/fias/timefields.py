"""FIAS dates and times: `DA` is YYMMDD, `TI` is HHMMSS (HHMM accepted), in hotel time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

_DATE = re.compile(r"\d{6}")
_TIME = re.compile(r"\d{4}(\d{2})?")


def parse_date(value: str | None) -> date | None:
    """YYMMDD as a date in 2000-2099 (FIAS has no century), or None if absent or invalid."""
    if value is None or not _DATE.fullmatch(value):
        return None
    try:
        return date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        return None


def parse_time(value: str | None) -> time | None:
    """HHMM or HHMMSS, or None if absent or invalid."""
    if value is None or not _TIME.fullmatch(value):
        return None
    try:
        return time(int(value[:2]), int(value[2:4]), int(value[4:6] or 0))
    except ValueError:
        return None


def local(day: date, clock: time, tz: tzinfo) -> datetime:
    """A hotel wall-clock date and time as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=tz)


def next_occurrence(clock: time, after: datetime, tz: tzinfo) -> datetime:
    """The first `clock` time in the hotel at or after `after` (a WR sent without DA)."""
    here = after.astimezone(tz)
    candidate = local(here.date(), clock, tz)
    return candidate if candidate >= here else local(here.date() + timedelta(days=1), clock, tz)


def stamp(record_da: str | None, record_ti: str | None, tz: tzinfo) -> datetime | None:
    """A record's DA/TI as an aware datetime, or None unless both are present and valid."""
    day, clock = parse_date(record_da), parse_time(record_ti)
    return local(day, clock, tz) if day is not None and clock is not None else None


def da_ti(at: datetime, tz: tzinfo) -> tuple[tuple[str, str], tuple[str, str]]:
    """The DA and TI fields for an aware datetime, in hotel time (TI always six digits, as
    every implementation sends it)."""
    if at.tzinfo is None:
        raise ValueError("a FIAS time must be timezone-aware")
    here = at.astimezone(tz)
    return ("DA", here.strftime("%y%m%d")), ("TI", here.strftime("%H%M%S"))
