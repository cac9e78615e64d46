"""The daily erasure (a part of `connector serve`): once per hotel day at
CONNECTOR_PRIVACY__RUN_AT, what is personal of every stay that ended more than
CONNECTOR_PRIVACY__RETENTION_DAYS ago is blanked, records older than
CONNECTOR_PRIVACY__RECORDS_DAYS are deleted, and the freed space goes back to the disk.

The hotel day of the last run is kept in the store's meta, so a restart neither repeats a
day nor skips one: a day missed while the connector was down runs as soon as it is back.
Running twice is harmless (what is blank stays blank), so a crash mid-run is simply run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from connector.clock import Clock
from connector.privacy.personal import Erased
from connector.privacy.schedule import DailySchedule
from connector.settings.model import PrivacySettings
from connector.store import Store, StoreError

log = logging.getLogger("connector.privacy")

LAST_RUN_KEY = "privacy.retention.last_day"
# Sleep in short steps, so a wall clock that jumps (NTP, a suspended VM) is noticed.
MAX_SLEEP_SECONDS = 300.0


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

    def run_due(self) -> RetentionRun | None:
        """Run the erasure if a day's run is due now."""
        raw = self._store.meta(LAST_RUN_KEY)
        day = self._schedule.due(self._clock.now(), None if raw is None else
                                 date.fromisoformat(raw))
        return None if day is None else self.run(day)

    def run(self, day: date) -> RetentionRun:
        """Erase, prune and give space back now, as the run of hotel day `day`."""
        started = time.process_time()  # a measurement for the log, not a rule: no clock
        now = self._clock.now()
        erased = self._store.expire_personal_data(
            now - timedelta(days=self._settings.retention_days))
        erasing = time.process_time() - started
        pruned = self._store.prune_records(now - timedelta(days=self._settings.records_days))
        self._store.release_space()
        self._store.set_meta(LAST_RUN_KEY, day.isoformat())
        done = RetentionRun(day, erased, pruned, erasing, time.process_time() - started)
        log.info("personal data past its retention erased", extra={
            "day": day.isoformat(), "event_bodies": erased.event_bodies, "calls": erased.calls,
            "postings": erased.postings, "journal_entries": erased.journal_entries,
            "records_deleted": pruned, "cpu_seconds": round(done.cpu_seconds, 3)})
        return done

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run every hotel day until `stop` is set."""
        while not stop.is_set():
            try:
                self.run_due()
            except StoreError as error:
                # Tried again after the next sleep; what was blanked stays blank.
                log.error("the daily erasure of personal data failed: the database failed",
                          extra={"error": str(error)})
            except Exception:
                # A fault here must not stop the guests' service: said loudly, tried again.
                log.exception("the daily erasure of personal data failed")
            now = self._clock.now()
            wait = (self._schedule.next_after(now) - now).total_seconds()
            sleeping = asyncio.ensure_future(self._clock.sleep(min(wait, MAX_SLEEP_SECONDS)))
            stopping = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (sleeping, stopping):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
