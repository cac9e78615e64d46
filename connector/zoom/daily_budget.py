"""The daily cap Zoom puts on Heavy and Resource-intensive calls, counted per UTC day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from connector.clock import Clock


def next_utc_midnight(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)


class DailyBudget:
    """Counts calls per UTC day; when the day's share is spent, callers wait for the next day.

    Zoom resets the daily limit at 00:00 UTC; waiting is better than failing for the Heavy
    work that uses it (account-wide voicemail sweeps, call history), which is never urgent.
    """

    def __init__(self, limit: int, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._day: date = clock.now().date()
        self._used = 0
        self._blocked_until: datetime | None = None

    @property
    def remaining(self) -> int:
        self._roll_over()
        return max(0, self.limit - self._used)

    async def take(self) -> float:
        """Count one call, waiting for the next UTC day if today's share is spent.

        Returns the seconds waited."""
        waited = 0.0
        while True:
            self._roll_over()
            now = self._clock.now()
            blocked = self._blocked_until is not None and now < self._blocked_until
            if not blocked and self._used < self.limit:
                self._used += 1
                return waited
            until = self._blocked_until if blocked else next_utc_midnight(now)
            assert until is not None
            pause = max(0.001, (until - now).total_seconds())
            waited += pause
            await self._clock.sleep(pause)

    def exhausted_by_zoom(self, until: datetime | None) -> None:
        """Zoom said the daily limit is reached (other apps use it too): stop until `until`
        (Zoom's `Retry-After`), or until the next UTC day when Zoom did not say."""
        now = self._clock.now()
        if until is not None and until > now:
            self._blocked_until = until
        else:
            self._used = self.limit
            self._blocked_until = next_utc_midnight(now)

    def _roll_over(self) -> None:
        today = self._clock.now().date()
        if today != self._day:
            self._day = today
            self._used = 0
        if self._blocked_until is not None and self._clock.now() >= self._blocked_until:
            self._blocked_until = None
