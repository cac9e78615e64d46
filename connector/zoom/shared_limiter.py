"""The Zoom limiter shared through Redis by every connector of one Zoom account.

Per (account, family, category) one GCRA on the Redis server (`shared_scripts.RESERVE`): each
caller reserves a slot and sleeps once until it. The rate is Zoom's full published limit times
`MARGIN`; guest-facing work goes before background sweeps; a backlogged account is shared fairly
between hotels; Zoom's 429s and daily budget are shared. When Redis cannot answer within the
timeout, the process paces at its local 1/N share (the base `CategoryLimiter`): never open.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import datetime

from aiolimiter import AsyncLimiter

from connector.clock import Clock, nap
from connector.settings.model import Plan
from connector.settings.shared_limit import SharedLimitSettings
from connector.zoom import shared_scripts
from connector.zoom.catalogue import Category, Family
from connector.zoom.limiter import CategoryLimiter, Limiters, SlowdownPolicy, bucket_for
from connector.zoom.rate_tables import DAILY_CATEGORIES, Limit, daily_budget, limit_for
from connector.zoom.shared_link import Arg, SharedLink, SharedUnavailable
from connector.zoom.work_class import WorkClass, current_work_class

# Zoom's limit is counted by Zoom on arrival; our slots are kept on Redis's clock. If no call
# arrives later than L after its slot, any window of one period holds the slots of a stretch
# (1 + L/period) long: at most the limit while L <= (1/MARGIN - 1) x period (31 ms at 0.97).
# A caller that wakes later than half of that takes a new slot instead of sending late (the
# other half is for the way from the wake-up to Zoom), so the margin only has to absorb that.
MARGIN = 0.97
LATE_SHARE = 0.5
# A caller late again and again (a starved machine) sends after this many new slots anyway.
MAX_REDRAWS = 3
# While the account's queue is shorter than this, no hotel is held to its fair part: a busy
# hotel may use what quiet hotels leave idle.
CONGESTION_SECONDS = 0.25
# A hotel that asked within this window counts as active for fairness.
ACTIVE_WINDOW_SECONDS = 2.0
# A process is counted live this long after its last word (heartbeats come 3 times as often).
MEMBER_TTL_SECONDS = 0.9
PROBE_EVERY_SECONDS = 3.0
# One burst of 429s seen by many processes brakes the common factor once.
BRAKE_INTERVAL_SECONDS = 1.0
# A QPS 429 says a window is full now (another app spends part of it), not that our pace is
# wrong: after the pause the common pace drops by this factor, not by the local policy's half.
SHARED_BRAKE = 0.85


class SharedCategoryLimiter(CategoryLimiter):
    """One category, paced through Redis; the base class is its local fallback at 1/N."""

    def __init__(
        self,
        family: Family,
        category: Category,
        full: Limit,
        local: Limit,
        clock: Clock,
        link: SharedLink,
        settings: SharedLimitSettings,
        *,
        daily_limit: int,
        policy: SlowdownPolicy | None = None,
        limiters: Limiters,
    ) -> None:
        super().__init__(family, category, local, clock,
                         daily=limiters.daily(family) if category in DAILY_CATEGORIES else None,
                         policy=policy)
        self.full = full
        self._link = link
        self._settings = settings
        self._daily_limit = daily_limit
        self._policy_shared = policy or SlowdownPolicy()
        self._hotel = settings.hotel_id or "hotel"
        self._category_key = link.key(family.value, category.value)
        self._daily_key = link.key(family.value, "daily")
        self._background_key = link.key(family.value, category.value, "background")
        self._pending: set[asyncio.Task[None]] = set()
        self.last_local_send: float | None = None

    @property
    def rate_per_second(self) -> float:
        """The rate we allow ourselves now: the account's while shared (what the purger's
        batch window and cost estimates are sized by), our 1/N share while local."""
        if self._link.shared:
            return self.full.per_second * MARGIN * self.factor
        return super().rate_per_second

    def _new_bucket(self) -> AsyncLimiter:
        # The local fallback's bucket is always our 1/N share, whatever the mode.
        return bucket_for(self.limit.per_second * self.factor)

    async def acquire(self) -> float:
        """Wait for our turn (shared, else local); returns the seconds waited."""
        started = self._clock.monotonic()
        self._link.start()
        # A 429 or a daily word just seen must reach Redis before we ask again.
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        while True:
            if self._link.shared:
                try:
                    await self._acquire_shared()
                    return self._clock.monotonic() - started
                except SharedUnavailable:
                    continue
            if self._link.quiet:
                await self._link.changed.wait()
                continue
            # Our membership outlives the switch by its ttl, and our shared slots stay in the
            # others' last window: send locally only once both are past.
            hold = self._link.switched_at + self._link.member_ttl + self.full.period
            if (pause := hold - self._clock.monotonic()) > 0:
                await nap(self._clock, pause, self._link.changed)
                continue
            await super().acquire()
            if self._link.shared or self._link.quiet:
                continue  # the mode changed while we waited: that slot is not ours to use
            self.last_local_send = self._clock.monotonic()
            return self._clock.monotonic() - started

    async def _acquire_shared(self) -> None:
        has_turn = False
        redraws = 0
        work = current_work_class()
        while True:
            asked = self._clock.monotonic()
            code, wait_us = await self._link.run(
                shared_scripts.RESERVE,
                [self._category_key, self._link.key(self.family.value, self.category.value,
                                                    "hotel", self._hotel),
                 self._link.key(self.family.value, self.category.value, "active"),
                 self._link.members_key, self._daily_key, self._background_key],
                [*self._recovery_args(), self.full.requests, self.full.period, MARGIN,
                 work.value, "1" if has_turn else "0", self._hotel, self._link.process,
                 self._settings.connectors or 1,
                 self._settings.background_headroom_seconds if work is WorkClass.BACKGROUND
                 else 0, CONGESTION_SECONDS, self._settings.fairness_floor,
                 self._daily_limit if self.daily is not None else 0,
                 self._link.member_ttl, ACTIVE_WINDOW_SECONDS])
            wait = int(wait_us) / 1e6
            if int(code) != 0:
                has_turn = int(code) == 1
                await self._clock.sleep(wait)
                continue
            if wait > 0:
                await self._clock.sleep(wait)
                # A 429 seen elsewhere while we slept pauses us too.
                paused = int(await self._link.run(shared_scripts.PAUSED, [self._category_key],
                                                  self._recovery_args())) / 1e6
                if paused > 0:
                    has_turn = False
                    await self._clock.sleep(paused)
                    continue
            # The slot was at most `wait` after we asked: later than that we are late.
            late = self._clock.monotonic() - (asked + wait)
            if late <= self.late_tolerance or redraws >= MAX_REDRAWS:
                return
            # Sent now, this call would arrive with the punctual callers of the next slots:
            # leave the slot empty and take a new one (our turn in the hotel's lane is kept).
            redraws += 1
            has_turn = True

    @property
    def late_tolerance(self) -> float:
        """How late after its slot a caller may still send (see MARGIN)."""
        return (1 / MARGIN - 1) * self.full.period * LATE_SHARE

    def _recovery_args(self) -> list[float]:
        return [self._policy_shared.recover_every, self._policy_shared.recover_step]

    def on_rate_limited(self, retry_after: float | None) -> float:
        """Zoom answered 429: pause and brake here, and for every process of the account."""
        pause = super().on_rate_limited(retry_after)
        if self._link.shared:
            self._send(shared_scripts.RATE_LIMITED, [self._category_key],
                       [*self._recovery_args(), pause, SHARED_BRAKE,
                        self._policy_shared.floor, BRAKE_INTERVAL_SECONDS])
        return pause

    def on_daily_exhausted(self, until: datetime | None) -> None:
        super().on_daily_exhausted(until)
        if self._link.shared and self.daily is not None:
            self._send(shared_scripts.DAILY_SEEN, [self._daily_key], [self._daily_limit, -1])

    def on_limits_seen(self, headers: Mapping[str, str]) -> None:
        """Zoom says how much of the day remains (other apps spend it too): count it."""
        remaining = daily_remaining(headers, self.full)
        if remaining is not None and self.daily is not None and self._link.shared:
            self._send(shared_scripts.DAILY_SEEN, [self._daily_key],
                       [self._daily_limit, remaining])

    def _send(self, script: str, keys: list[str], args: list[Arg]) -> None:
        async def run() -> None:
            with contextlib.suppress(SharedUnavailable):
                await self._link.run(script, keys, args)

        task = asyncio.get_running_loop().create_task(run())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


def daily_remaining(headers: Mapping[str, str], per_period: Limit) -> int | None:
    """What Zoom says remains of the day, when the headers are about the daily limit.

    Zoom's headers are optional and not documented today: a remaining count is read as the
    day's only when `X-RateLimit-Type` says daily, or when `X-RateLimit-Limit` is larger than
    the category's per-period limit (30000, not 10)."""
    remaining = _int(headers.get("X-RateLimit-Remaining"))
    if remaining is None:
        return None
    kind = headers.get("X-RateLimit-Type", "").lower()
    if kind.startswith("daily"):
        return remaining
    if kind:
        return None
    limit = _int(headers.get("X-RateLimit-Limit"))
    return remaining if limit is not None and limit > per_period.requests else None


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value.strip())
    except ValueError:
        return None


class SharedLimiters(Limiters):
    """All limiters of one process of a hotel group, paced through Redis."""

    def __init__(
        self,
        plan: Plan,
        settings: SharedLimitSettings,
        link: SharedLink,
        clock: Clock,
        policy: SlowdownPolicy | None = None,
        *,
        speedup: float = 1.0,
    ) -> None:
        connectors = settings.connectors or 1
        # The local fallback: 1/N of the margin-reduced limit, so that N processes pacing
        # locally together stay under Zoom's limit.
        super().__init__(plan, MARGIN / connectors, clock, policy, speedup=speedup)
        self._settings = settings
        self.link = link
        link.rejoin_hold = self._rejoin_hold

    def get(self, family: Family, category: Category) -> CategoryLimiter:
        key = (family, category)
        if key not in self._limiters:
            full = limit_for(family, category, self._plan).scaled(self.speedup)
            self._limiters[key] = SharedCategoryLimiter(
                family, category, full,
                full.scaled(self._share), self._clock, self.link, self._settings,
                daily_limit=int(daily_budget(family, self._plan) * MARGIN),
                policy=self._policy, limiters=self)
        return self._limiters[key]

    def _rejoin_hold(self) -> float:
        """How long local sends must stop before this process counts as shared again: until
        each category's last local send has left its window."""
        now = self._clock.monotonic()
        hold = 0.0
        for limiter in self._limiters.values():
            if isinstance(limiter, SharedCategoryLimiter) and limiter.last_local_send is not None:
                hold = max(hold, limiter.last_local_send + limiter.full.period - now)
        return max(hold, 0.0) + 0.01

    async def aclose(self) -> None:
        await self.link.close()
