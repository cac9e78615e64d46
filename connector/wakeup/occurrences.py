"""When each day of a wake-up falls, in the hotel's time zone (pure).

A daily wake-up keeps its local wall time ("07:00 every day"), not its distance in hours,
so it moves with daylight-saving changes. On the day a wall time does not exist (spring
forward) it rings that much later (01:30 in a 01:00→02:00 gap rings at 02:30); on the day it
exists twice (fall back) it rings at the first of the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def occurrences(at: datetime, days: int, tz: tzinfo) -> list[datetime]:
    """The wake-up's times: `at` itself, then the same local wall time on each of the next
    `days - 1` days, as aware datetimes in `tz`."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a wake-up time must carry its zone, not {at.isoformat()}")
    first = at.astimezone(tz)
    wall = first.timetz().replace(tzinfo=None)
    later = (local_moment(first.date() + timedelta(days=n), wall, tz) for n in range(1, days))
    return [first, *later]


def local_moment(day: date, wall: time, tz: tzinfo) -> datetime:
    """`wall` on `day` in `tz`: a time in a spring-forward gap moves forward by the gap; a
    time that happens twice is the first (summer-time) one."""
    # fold=0 reads a repeated time as its first occurrence, and a missing one with the
    # offset from before the change: through UTC and back, that is the time moved forward.
    naive = datetime.combine(day, wall)
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)
