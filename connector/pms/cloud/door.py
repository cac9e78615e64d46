"""The cloud PMS door: runs any `CloudPms` (connector.pms.cloud.contract) the way the FIAS
door runs a link.

- It is the `NoticeSink` of the adapter's source and web routes: each notice is stored (with
  the stream's offset, one commit) before anything acts on it.
- A worker takes the pending notices in the order they came, hydrates each into canonical
  events, ingests them (`source` = the vendor) and marks the notice applied in the same
  commit. (Were they apart, a crash between them would still be harmless: hydrating again
  gives the same event ids, which ingest skips.)
  Up to `ahead` notices are read back at once (started in order, applied strictly in
  order): one read at a time would make the PMS's round trip, not its limit, the pace (at
  100 ms a read, 10 notices a second where OHIP allows 50); the adapter's own limiter still
  spaces the requests.
  The PMS away (`PmsUnavailable`): the notice stays pending and the worker backs off. The PMS
  refusing it (`PmsRefused`): kept as failed, and a resync is asked for (the in-house list
  says what the notice would have).
- A resync (the cloud DR) runs at start, after a gap in the source, after a refused notice,
  daily at `CONNECTOR_PMS__RESYNC_DAILY_AT` hotel time and on `connector sync --pms`. Its
  events go in one ingest call: never half-applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.events.models import AnyEvent
from connector.pms.cloud.backoff import Backoff
from connector.pms.cloud.contract import CloudPms, Notice, PmsRefused, PmsUnavailable
from connector.pms.cloud.door_metrics import DoorMetrics
from connector.pms.cloud.resync import new_resync_id, snapshot
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY, ResyncPolicy, ResyncRules
from connector.service import Connector
from connector.store import StoreError
from connector.store.cloud_notices import NewNotice, StoredNotice
from connector.web.schemas import Check

log = logging.getLogger("connector.pms.cloud")

BATCH = 50
# Notices read back from the PMS at once (each adapter's limiter spaces the requests).
AHEAD = 8
# How often the worker looks for a resync request or the daily moment when idle (seconds).
IDLE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DoorStatus:
    """The door at a glance, for the console's Health page (no guest data)."""

    vendor: str
    connected: bool
    detail: str
    pending: int
    failed: int
    last_notice_at: datetime | None
    offset: str | None
    last_resync_at: datetime | None
    last_resync: str  # in words: why, how many stays, or why it failed


class CloudDoor:
    """Built from the vendor's adapter and the running connector; `run(stop)` until stopped."""

    def __init__(self, adapter: CloudPms, connector: Connector, *, tz: tzinfo, clock: Clock,
                 registry: CollectorRegistry, resync_daily_at: str | None = None,
                 backoff: Backoff | None = None, idle_seconds: float = IDLE_SECONDS,
                 ahead: int = AHEAD) -> None:
        self.adapter = adapter
        self._ahead = max(1, ahead)
        self.vendor: str = adapter.kind
        self._connector = connector
        self._store = connector.store
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._idle = idle_seconds
        daily = (resync_daily_at if resync_daily_at is not None
                 else connector.settings.pms.resync_daily_at) or None
        self.resync = ResyncPolicy(ResyncRules.parse(0.0, daily, tz), started_at=clock.now())
        self._asked: list[str] = []  # resync reasons of our own (start, a gap, a refusal)
        self._wake = asyncio.Event()
        self._started = False
        self._failures = 0
        self._retry_after = 0.0  # what the PMS last asked us to wait (seconds)
        self._source = adapter.source()
        counts = self._store.cloud_notices.counts()
        self._pending = counts.pending
        self._failed = counts.failed
        self._last_notice_at = counts.last_received_at
        self._last_resync_at: datetime | None = None
        self._last_resync = "none yet"
        self.metrics = DoorMetrics(registry, self.vendor, clock=clock,
                                   pending=lambda: self._pending,
                                   last_notice_at=lambda: self._last_notice_at)

    # The NoticeSink

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        """Store the notices (and the offset) in one commit before anything acts on them;
        how many were new. Raises StoreError when nothing could be kept."""
        return len(self._accept(notices, offset))

    def accept_new(self, notices: Sequence[Notice]) -> set[str]:
        """As `accept`, without an offset; the keys that were new (a webhook door answers
        each of a group commit's notices stored or duplicate)."""
        return set(self._accept(notices, None))

    def _accept(self, notices: Sequence[Notice], offset: str | None) -> list[str]:
        new = self._store.cloud_notices.accept(
            self.vendor, [NewNotice(n.key, n.name, n.body, n.received_at) for n in notices],
            offset=offset)
        self.metrics.received.inc(len(new))
        self.metrics.duplicate.inc(len(notices) - len(new))
        if notices:
            self._last_notice_at = max(n.received_at for n in notices)
        self._pending += len(new)
        if new:
            self._wake.set()
        return new

    def offset(self) -> str | None:
        """The offset stored with the last accepted notices."""
        return self._store.cloud_notices.offset(self.vendor)

    def gap(self, reason: str) -> None:
        """The source lost continuity: a resync is due."""
        log.warning("%s: the PMS's events have a gap (%s); a resync is due", self.vendor, reason)
        self._ask(f"a gap in the PMS's events: {reason}")

    # Running

    async def run(self, stop: asyncio.Event) -> None:
        """Start the adapter, run its source and the worker until `stop`."""
        stopping = asyncio.create_task(self._wake_on(stop))
        tasks = [stopping]
        try:
            await self._start(stop)
            if stop.is_set():
                return
            self._ask("the connector started")
            if self._source is not None:
                tasks.append(asyncio.create_task(self._run_source(stop), name="cloud-source"))
            await self._work(stop)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _run_source(self, stop: asyncio.Event) -> None:
        """The source reconnects by itself; should it end with an error, start it again."""
        assert self._source is not None
        failures = 0
        while not stop.is_set():
            try:
                await self._source.run(self, stop)
            except Exception:
                failures += 1
                log.exception("%s: the event source failed; starting it again", self.vendor)
                await self._pause(self._backoff.wait(failures), stop)
            else:
                return

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wake.set()

    async def _start(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                await self.adapter.start()
            except PmsUnavailable as error:
                failures += 1
                self.metrics.unavailable.inc()
                wait = self._backoff.wait(failures, error.retry_after)
                log.warning("%s: cannot start (%s); trying again in %.0f s",
                            self.vendor, error, wait)
                await self._pause(wait, stop)
                continue
            except PmsRefused as error:
                # Credentials or permissions: a person must act (`connector doctor` says
                # what); not ready meanwhile, and tried again at the longest interval.
                log.error("%s: the PMS refused the start (%s); `connector doctor` says what "
                          "to ask the vendor for", self.vendor, error)
                await self._pause(self._backoff.cap, stop)
                continue
            self._started = True
            log.info("%s: the PMS door is open", self.vendor)
            return

    async def _work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Notices are applied even while a resync waits for the PMS: a webhook vendor's
            # reads may work when its in-house list does not.
            resynced = await self._resync_if_due()
            if not await self._apply_pending() or resynced is False:
                self._failures += 1
                wait = self._backoff.wait(self._failures, self._retry_after)
                await self._pause(wait, stop)
                continue
            self._failures = 0
            if self._pending == 0 or not self._pending_left():
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._idle)

    def _pending_left(self) -> bool:
        self._pending = self._store.cloud_notices.counts().pending
        return self._pending > 0

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        """Sleep on the clock, cut short by `stop`."""
        sleeping = asyncio.create_task(self._clock.sleep(seconds))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeping, stopping):
            task.cancel()

    # Notices

    async def _apply_pending(self) -> bool:
        """Apply one batch of pending notices in order; False when the PMS (or the store)
        was away and the rest waits."""
        try:
            batch = self._store.cloud_notices.pending(BATCH)
        except StoreError as error:
            log.error("%s: cannot read the pending notices: %s", self.vendor, error)
            self._retry_after = 0.0
            return False
        if not batch:
            return True
        gate = asyncio.Semaphore(self._ahead)

        async def hydrate(stored: StoredNotice) -> Sequence[AnyEvent]:
            async with gate:  # FIFO: reads start in the notices' order
                return await self.adapter.hydrate(_notice(stored))

        reads = [asyncio.create_task(hydrate(stored)) for stored in batch]
        try:
            for stored, read in zip(batch, reads, strict=True):
                if not await self.apply(stored, read):
                    return False
            return True
        finally:
            # The PMS went away: what was read ahead is read again on the next pass.
            for read in reads:
                read.cancel()
            await asyncio.gather(*reads, return_exceptions=True)

    async def apply(self, stored: StoredNotice,
                    hydrating: Awaitable[Sequence[AnyEvent]] | None = None) -> bool:
        """Hydrate one stored notice (or await its read already under way), ingest its
        events, mark it; False when it must wait."""
        inbox = self._store.cloud_notices
        try:
            events = await (hydrating if hydrating is not None
                            else self.adapter.hydrate(_notice(stored)))
            if events:  # the mark in the ingest's own commit: one fsync a notice, not two
                self._connector.ingest(events, source=self.vendor,
                                       also=inbox.applying(stored.key))
            else:
                inbox.mark_applied(stored.key)
        except PmsUnavailable as error:
            self.metrics.unavailable.inc()
            self._retry_after = error.retry_after
            log.warning("%s: the PMS is unavailable; notice %s waits (%s)",
                        self.vendor, stored.key, error)
            with contextlib.suppress(StoreError):
                inbox.note_attempt(stored.key, str(error))
            return False
        except PmsRefused as error:
            self._refused(stored, str(error))
        except StoreError as error:
            log.error("%s: cannot store notice %s's events: %s", self.vendor, stored.key, error)
            self._retry_after = 0.0
            return False
        except Exception as error:  # an adapter's bug must not stall every later notice
            log.exception("%s: notice %s could not be hydrated", self.vendor, stored.key)
            self._refused(stored, f"{type(error).__name__} while hydrating")
        else:
            self.metrics.applied.inc()
        self._pending = max(0, self._pending - 1)
        return True

    def _refused(self, stored: StoredNotice, reason: str) -> None:
        self._store.cloud_notices.mark_failed(stored.key, reason)
        self._failed += 1
        self.metrics.failed.inc()
        log.warning("%s: the PMS refused notice %s (%s): %s; a resync will repair its rooms",
                    self.vendor, stored.key, stored.name, reason)
        self._ask(f"notice {stored.key} could not be read")

    # Resync

    def _ask(self, reason: str) -> None:
        if reason not in self._asked:
            self._asked.append(reason)
        self._wake.set()

    def resync_due(self) -> str | None:
        """Why a resync is due now (in words), or None."""
        try:
            if self._store.meta(RESYNC_REQUEST_KEY) is not None:
                self.resync.request()
        except StoreError as error:
            log.error("%s: cannot read a resync request: %s", self.vendor, error)
        reasons = [*self._asked]
        policy = self.resync.due(self._clock.now())
        if policy is not None:
            reasons.append(policy)
        return "; ".join(reasons) or None

    async def _resync_if_due(self) -> bool | None:
        """Resync when due; None: not due, True: done, False: the PMS was away."""
        reason = self.resync_due()
        if reason is None:
            return None
        now = self._clock.now()
        try:
            stays = await self.adapter.in_house()
        except PmsUnavailable as error:
            self.metrics.unavailable.inc()
            self.metrics.resync_failed.inc()
            self._retry_after = error.retry_after
            self._last_resync = f"failed at {now:%H:%M:%S}: the PMS is unavailable ({error})"
            log.warning("%s: resync (%s) waits: the PMS is unavailable (%s)",
                        self.vendor, reason, error)
            return False
        resync_id = new_resync_id(self.vendor, now)
        events = snapshot(stays, resync_id=resync_id, at=now)
        try:
            self._connector.ingest(events, source=self.vendor)
        except StoreError as error:
            log.error("%s: cannot store the resync: %s", self.vendor, error)
            self._retry_after = 0.0
            return False
        self._asked.clear()
        self.resync.sent(now)
        if "connector sync --pms" in reason:
            with contextlib.suppress(StoreError):
                self._store.set_meta(RESYNC_REQUEST_KEY, None)
        self.metrics.resynced.inc()
        self.metrics.last_resync.set(now.timestamp())
        self._last_resync_at = now
        self._last_resync = f"{len(stays)} stay(s) in house ({reason})"
        log.info("%s: resync %s: %d stay(s) in house (%s)", self.vendor, resync_id,
                 len(stays), reason)
        return True

    # Health

    def readiness(self) -> Check:
        """Ready when the source says connected (or, for webhooks, once subscribed)."""
        connected, detail = self._connection()
        return Check(name="cloud_pms", ok=connected, detail=f"{self.vendor}: {detail}")

    def _connection(self) -> tuple[bool, str]:
        if self._source is not None:
            status = self._source.status()
            return status.connected, status.detail
        if self._started:
            return True, "webhooks subscribed at start"
        return False, "not started yet (subscribing the webhooks)"

    def status(self) -> DoorStatus:
        """For the console's Health page and the doctor."""
        connected, detail = self._connection()
        return DoorStatus(
            vendor=self.vendor, connected=connected, detail=detail, pending=self._pending,
            failed=self._failed, last_notice_at=self._last_notice_at, offset=self.offset(),
            last_resync_at=self._last_resync_at, last_resync=self._last_resync)


def _notice(stored: StoredNotice) -> Notice:
    return Notice(stored.key, stored.name, stored.body, stored.received_at)
