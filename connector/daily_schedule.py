"""Something done once per hotel day at a wall-clock time (pure): the daily erasure, the
nightly housekeeping reset.

DST gaps move the moment forward and a repeated hour counts once (`local_moment`). What a
missed day means differs per job, so it is the caller's `catch_up`:

- None: a late run does no harm (the erasure), so a day missed while the connector was down
  runs as soon as it is back;
- a window: past it the day is skipped (the housekeeping reset: by then housekeeping may have
  cleaned rooms, and a late reset would undo their work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from connector.wakeup.occurrences import local_moment


@dataclass(frozen=True)
class DailySchedule:
    """Once a day at `at`, wall-clock time in `tz`; a missed day is run up to `catch_up`
    after its moment (None: whenever)."""

    at: time
    tz: tzinfo
    catch_up: timedelta | None = None

    @classmethod
    def parse(cls, hhmm: str, tz: tzinfo, catch_up: timedelta | None = None) -> DailySchedule:
        """From the setting's `HH:MM` (already validated)."""
        hour, minute = hhmm.split(":")
        return cls(time(int(hour), int(minute)), tz, catch_up)

    def moment(self, day: date) -> datetime:
        """When the run of a hotel day falls."""
        return local_moment(day, self.at, self.tz)

    def due(self, now: datetime, last_done: date | None) -> date | None:
        """The hotel day whose run is due now, if any: today's once its time has come, else
        yesterday's if it never ran (and, with a catch-up window, only within it)."""
        today = now.astimezone(self.tz).date()
        latest = today if self.moment(today) <= now else today - timedelta(days=1)
        for day in (latest - timedelta(days=1), latest):
            if last_done is not None and day <= last_done:
                continue
            if self.catch_up is None:
                return latest  # the latest day stands for every missed one
            if self.moment(day) <= now < self.moment(day) + self.catch_up:
                return day
        return None

    def next_after(self, now: datetime) -> datetime:
        """The first run moment later than `now`."""
        day = now.astimezone(self.tz).date()
        while self.moment(day) <= now:
            day += timedelta(days=1)
        return self.moment(day)
