"""When the nightly housekeeping reset runs (pure).

Once per local day at the configured wall-clock time (DST gaps move it forward, a repeated
hour counts once). A reset missed because the connector was down is still run if it comes
back within `CATCH_UP` (a crash in the middle, a restart by the platform); later, it is
skipped: by then housekeeping may have cleaned rooms, and a late reset would undo their work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connector.wakeup.occurrences import local_moment

CATCH_UP = timedelta(minutes=30)


@dataclass(frozen=True)
class ResetSchedule:
    at: time
    tz: tzinfo

    @classmethod
    def parse(cls, hhmm: str, tz: tzinfo) -> ResetSchedule:
        """From the setting's `HH:MM` (already validated)."""
        hour, minute = hhmm.split(":")
        return cls(time(int(hour), int(minute)), tz)

    def moment(self, day: date) -> datetime:
        """When the reset of a local day falls."""
        return local_moment(day, self.at, self.tz)

    def due(self, now: datetime, last_done: date | None) -> date | None:
        """The local day whose reset should run now, if any (yesterday's may still be within
        its catch-up window just after midnight)."""
        today = now.astimezone(self.tz).date()
        for day in (today - timedelta(days=1), today):
            if last_done is not None and day <= last_done:
                continue
            if self.moment(day) <= now < self.moment(day) + CATCH_UP:
                return day
        return None

    def next_after(self, now: datetime) -> datetime:
        """The first reset moment later than `now`."""
        day = now.astimezone(self.tz).date()
        while self.moment(day) <= now:
            day += timedelta(days=1)
        return self.moment(day)
