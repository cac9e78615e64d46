"""Client-side rate limiting: one limiter per (API family, category), shared by all callers.

Zoom's limits are per account and shared with every other app installed on it, so we pace
ourselves at a share of the published limit, back off when Zoom says 429 anyway (someone
else is using the rest), and speed up again gradually.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from aiolimiter import AsyncLimiter

from connector.clock import Clock
from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Endpoint, Family
from connector.zoom.daily_budget import DailyBudget
from connector.zoom.rate_tables import DAILY_CATEGORIES, Limit, daily_budget, limit_for


@dataclass(frozen=True, slots=True)
class SlowdownPolicy:
    """How hard to brake on a 429 and how quickly to recover."""

    brake: float = 0.5  # multiply the rate by this on each 429
    floor: float = 0.1  # never below this share of our configured rate
    recover_every: float = 10.0  # seconds between recovery steps
    recover_step: float = 0.1  # share of the configured rate regained per step
    backoff_initial: float = 1.0  # pause when Zoom sends no Retry-After
    backoff_max: float = 60.0


def bucket_for(rate_per_second: float) -> AsyncLimiter:
    """A leaky bucket that never lets more than `rate_per_second` through in any one-second
    window, yet keeps up with that rate on a busy event loop.

    A bucket of capacity C leaking at rate r admits C - 1 + r requests in a one-second window,
    so r = rate - (C - 1). Capacity one (evenly spaced requests) loses every wake-up's
    lateness; a little capacity at high rates absorbs it, paid for by a slightly lower r.
    """
    capacity = 1 + int(rate_per_second // 33)
    leak = rate_per_second - (capacity - 1)
    return AsyncLimiter(capacity, capacity / leak)


class CategoryLimiter:
    """Paces one (family, category) at `limit`, with 429 braking and a daily budget."""

    def __init__(
        self,
        family: Family,
        category: Category,
        limit: Limit,
        clock: Clock,
        daily: DailyBudget | None = None,
        policy: SlowdownPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.family = family
        self.category = category
        self.limit = limit
        self.daily = daily
        self._clock = clock
        self._policy = policy or SlowdownPolicy()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.factor = 1.0
        self._last_change = clock.monotonic()
        self._resume_at = 0.0
        self._consecutive_429 = 0
        self._bucket = self._new_bucket()

    @property
    def rate_per_second(self) -> float:
        """The rate we allow ourselves now."""
        return self.limit.per_second * self.factor

    def _new_bucket(self) -> AsyncLimiter:
        return bucket_for(self.rate_per_second)

    async def acquire(self) -> float:
        """Wait for our turn; returns the seconds waited."""
        started = self._clock.monotonic()
        self._maybe_recover()
        while (pause := self._resume_at - self._clock.monotonic()) > 0:
            await self._clock.sleep(pause)
        if self.daily is not None:
            await self.daily.take()
        while True:
            bucket = self._bucket
            await bucket.acquire()
            # A 429 elsewhere may have swapped in a slower bucket while we waited.
            if bucket is self._bucket:
                break
        return self._clock.monotonic() - started

    def on_success(self) -> None:
        self._consecutive_429 = 0

    def on_limits_seen(self, headers: Mapping[str, str]) -> None:
        """Zoom's `X-RateLimit-*` headers of an answer. Alone, the connector keeps its own
        count of its share; the shared limiter (`shared_limiter.py`) reads them."""

    def on_daily_exhausted(self, until: datetime | None) -> None:
        """Zoom said the daily limit is reached: wait until `until` (or the next UTC day)."""
        if self.daily is not None:
            self.daily.exhausted_by_zoom(until)

    def on_rate_limited(self, retry_after: float | None) -> float:
        """Zoom answered 429: pause this category and slow it down. Returns the pause."""
        self._consecutive_429 += 1
        if retry_after is None:
            base = min(
                self._policy.backoff_max,
                self._policy.backoff_initial * 2 ** (self._consecutive_429 - 1),
            )
            retry_after = base / 2 + self._rng.uniform(0, base / 2)
        self._resume_at = max(self._resume_at, self._clock.monotonic() + retry_after)
        self._set_factor(max(self._policy.floor, self.factor * self._policy.brake))
        return retry_after

    def _maybe_recover(self) -> None:
        if self.factor >= 1.0:
            return
        elapsed = self._clock.monotonic() - self._last_change
        if elapsed >= self._policy.recover_every:
            self._set_factor(min(1.0, self.factor + self._policy.recover_step))

    def _set_factor(self, factor: float) -> None:
        self._last_change = self._clock.monotonic()
        if factor != self.factor:
            self.factor = factor
            self._bucket = self._new_bucket()


class Limiters:
    """All limiters of one process, built from the plan and our share of the account's limits.

    `speedup` is for benchmarks only: it multiplies every per-second (and per-minute) limit,
    not the daily budgets, so that a workload can run time-compressed against a sandbox whose
    limits are multiplied by the same factor (`bench/checkout_rush.py`). Settings cannot set
    it; production always runs at 1.
    """

    def __init__(
        self,
        plan: Plan,
        share: float,
        clock: Clock,
        policy: SlowdownPolicy | None = None,
        *,
        speedup: float = 1.0,
    ) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        self._plan = plan
        self._share = share
        self.speedup = speedup
        self._clock = clock
        self._policy = policy
        self._daily = {
            family: DailyBudget(int(daily_budget(family, plan) * share), clock)
            for family in Family
        }
        self._limiters: dict[tuple[Family, Category], CategoryLimiter] = {}

    def for_endpoint(self, endpoint: Endpoint) -> CategoryLimiter:
        return self.get(endpoint.family, endpoint.category)

    def get(self, family: Family, category: Category) -> CategoryLimiter:
        key = (family, category)
        if key not in self._limiters:
            self._limiters[key] = CategoryLimiter(
                family,
                category,
                limit_for(family, category, self._plan).scaled(self._share * self.speedup),
                self._clock,
                daily=self._daily[family] if category in DAILY_CATEGORIES else None,
                policy=self._policy,
            )
        return self._limiters[key]

    def daily(self, family: Family) -> DailyBudget:
        return self._daily[family]

    def in_use(self) -> list[CategoryLimiter]:
        """The limiters made so far (one per category this process has called)."""
        return list(self._limiters.values())

    async def aclose(self) -> None:
        """Let go of what pacing holds (nothing, alone; the shared limiter's Redis link)."""
