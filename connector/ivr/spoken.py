"""How a wake-up's time is read back to the guest (pure; prompt names)."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from connector.settings.phone import TimeEntry
from connector.voice import speech

_DAYS_SPOKEN = 6  # speech.day names today, tomorrow and the weekdays up to six days ahead


def clock_time(at: time, entry: TimeEntry) -> list[str]:
    """The time the way the guest keys it: "seven oh five A M" or "nineteen hundred"."""
    return speech.time_12h(at) if entry is TimeEntry.H12 else speech.time_24h(at)


def when(moment: datetime, now: datetime, tz: tzinfo, entry: TimeEntry) -> list[str]:
    """The time and its day: "six thirty A M tomorrow". A wake-up a week or more ahead (set
    by the PMS) is read without its day rather than with a wrong one."""
    local = moment.astimezone(tz)
    today = now.astimezone(tz).date()
    names = clock_time(local.time(), entry)
    if 0 <= (local.date() - today).days <= _DAYS_SPOKEN:
        names += speech.day(local.date(), today)
    return names
