"""When the daily erasure runs (pure): once per hotel day, at or after the set local time.

Unlike the housekeeping reset, a late run does no harm: a day missed while the connector was
down is run as soon as it is back, so personal data is never kept a day longer than the
restart took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connector.wakeup.occurrences import local_moment


@dataclass(frozen=True)
class DailySchedule:
    """Once a day at `at`, wall-clock time in `tz`."""

    at: time
    tz: tzinfo

    @classmethod
    def parse(cls, hhmm: str, tz: tzinfo) -> DailySchedule:
        """From the setting's `HH:MM` (already validated)."""
        hour, minute = hhmm.split(":")
        return cls(time(int(hour), int(minute)), tz)

    def moment(self, day: date) -> datetime:
        return local_moment(day, self.at, self.tz)

    def due(self, now: datetime, last_done: date | None) -> date | None:
        """The hotel day whose run is due now (today's once its time has come, else
        yesterday's if it never ran); None when the latest due day has run."""
        today = now.astimezone(self.tz).date()
        day = today if self.moment(today) <= now else today - timedelta(days=1)
        return None if last_done is not None and day <= last_done else day

    def next_after(self, now: datetime) -> datetime:
        """The first run moment later than `now`."""
        day = now.astimezone(self.tz).date()
        while self.moment(day) <= now:
            day += timedelta(days=1)
        return self.moment(day)
