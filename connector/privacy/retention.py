"""The daily erasure (a part of `connector serve`): once per hotel day at
CONNECTOR_PRIVACY__RUN_AT, what is personal of every stay that ended more than
CONNECTOR_PRIVACY__RETENTION_DAYS ago is blanked, records older than
CONNECTOR_PRIVACY__AUDIT_RETENTION_DAYS are deleted, and the freed space goes back to the disk.

The hotel day of the last run is kept in the store's meta, so a restart neither repeats a
day nor skips one: a day missed while the connector was down runs as soon as it is back.
Running twice is harmless (what is blank stays blank), so a crash mid-run is simply run again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from connector.clock import Clock, nap
from connector.daily_schedule import DailySchedule
from connector.privacy.personal import Erased
from connector.settings.model import PrivacySettings
from connector.store import Store, StoreError

log = logging.getLogger("connector.privacy")

LAST_RUN_KEY = "privacy.retention.last_day"
# Sleep in short steps, so a wall clock that jumps (NTP, a suspended VM) is noticed.
MAX_SLEEP_SECONDS = 300.0
_T = TypeVar("_T")


@dataclass(frozen=True)
class RetentionRun:
    """What one run did: records blanked, rows deleted, and the CPU it took."""

    day: date
    erased: Erased
    pruned: int
    erase_cpu_seconds: float  # blanking personal data
    cpu_seconds: float  # the whole run: blanking, pruning, giving space back


class Retention:
    """The daily erasure of one store, in the hotel's time zone, on an injected clock."""

    def __init__(self, store: Store, settings: PrivacySettings, *, tz: tzinfo,
                 clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._schedule = DailySchedule.parse(settings.run_at, tz)
        self._clock = clock

    def due(self) -> date | None:
        """The hotel day whose run is due now, if any."""
        raw = self._store.meta(LAST_RUN_KEY)
        return self._schedule.due(self._clock.now(), None if raw is None else
                                  date.fromisoformat(raw))

    def run_due(self) -> RetentionRun | None:
        """Run the erasure at once if a day's run is due now."""
        day = self.due()
        return None if day is None else self.run(day)

    def run(self, day: date) -> RetentionRun:
        """Erase, prune and give space back now, in one go, as the run of hotel day `day`."""
        job = _Job(self._store, self._settings, self._clock.now(), day)
        for _ in job.steps():
            pass
        return job.done()

    async def run_in_steps(self, day: date) -> RetentionRun:
        """`run`, letting the event loop serve webhooks, FIAS and wake-ups between its
        bounded transactions."""
        job = _Job(self._store, self._settings, self._clock.now(), day)
        for _ in job.steps():
            await asyncio.sleep(0)
        return job.done()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run every hotel day until `stop` is set."""
        while not stop.is_set():
            try:
                day = self.due()
                if day is not None:
                    await self.run_in_steps(day)
            except StoreError as error:
                # Tried again after the next sleep; what was blanked stays blank.
                log.error("the daily erasure of personal data failed: the database failed",
                          extra={"error": str(error)})
            except Exception:
                # A fault here must not stop the guests' service: said loudly, tried again.
                log.exception("the daily erasure of personal data failed")
            now = self._clock.now()
            wait = (self._schedule.next_after(now) - now).total_seconds()
            await nap(self._clock, min(wait, MAX_SLEEP_SECONDS), stop)


class _Job:
    """One run, as bounded steps; the CPU counted is the steps' own, not other tasks' run
    between them (a measurement for the log, not a rule: no clock)."""

    def __init__(self, store: Store, settings: PrivacySettings, now: datetime,
                 day: date) -> None:
        self._store, self._settings, self._now, self.day = store, settings, now, day
        self.erased = Erased()
        self.pruned = 0
        self.erase_cpu = self.cpu = 0.0

    def steps(self) -> Iterator[None]:
        days = self._settings.retention_days
        erase = self._store.expire_personal_data(
            self._now - timedelta(days=days),
            why=f"retention: the stay ended more than {days} days ago")
        prune = self._store.prune_records(
            self._now - timedelta(days=self._settings.audit_retention_days))
        for part in self._timed(erase):
            self.erased += part
            yield None
        self.erase_cpu = self.cpu
        for deleted in self._timed(prune):
            self.pruned += deleted
            yield None
        for _ in self._timed(self._store.release_space()):
            yield None
        self._store.set_meta(LAST_RUN_KEY, self.day.isoformat())

    def _timed(self, steps: Iterator[_T]) -> Iterator[_T]:
        while True:
            started = time.process_time()
            try:
                item = next(steps)
            except StopIteration:
                return
            finally:
                self.cpu += time.process_time() - started
            yield item

    def done(self) -> RetentionRun:
        run = RetentionRun(self.day, self.erased, self.pruned, self.erase_cpu, self.cpu)
        log.info("personal data past its retention erased", extra={
            "day": self.day.isoformat(), "event_bodies": self.erased.event_bodies,
            "calls": self.erased.calls, "postings": self.erased.postings,
            "journal_entries": self.erased.journal_entries, "records_deleted": self.pruned,
            "cpu_seconds": round(self.cpu, 3)})
        return run
