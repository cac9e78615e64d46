"""Zoom's account-wide rate limits, enforced as the emulated server sees them. Pure logic.

Limits are per account (every app on it shares them), by API family (the Phone API has its
own table), by category label and by plan. Per-second (or, for Resource-intensive, per-minute)
counts use fixed windows on the sandbox clock; Heavy and Resource-intensive calls also draw on
one daily budget per family that resets at UTC midnight. How Zoom counts inside a second is
not published; fixed windows are the common implementation and make tests exact.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime

from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family
from connector.zoom.rate_tables import DAILY_CATEGORIES, SECOND, daily_budget, limit_for


@dataclass(frozen=True, slots=True)
class Window:
    """`requests` per `seconds`."""

    requests: int
    seconds: float


_C = Category

# Header spelling of each label, as in Zoom's documented example.
LABELS = {
    _C.LIGHT: "Light", _C.MEDIUM: "Medium", _C.HEAVY: "Heavy",
    _C.RESOURCE_INTENSIVE: "Resource-intensive",
}
QPS_MESSAGE = (
    "You have reached the maximum per-second rate limit for this API. Try again later."
)
PER_MINUTE_MESSAGE = (
    "You have reached the maximum per-minute rate limit for this API. Try again later."
)


class RetryAfterStyle(enum.StrEnum):
    """How a 429 says when to come back; Zoom has been seen doing each of these."""

    ZOOM = "zoom"  # seconds for per-second limits, an ISO timestamp for the daily limit
    SECONDS = "seconds"
    HTTP_DATE = "http_date"
    ISO = "iso"
    ABSENT = "absent"
    RANDOM = "random"  # any of the above, from the seeded generator


class HeaderMode(enum.StrEnum):
    """Whether responses carry `X-RateLimit-*` headers (field reports differ)."""

    ALWAYS = "always"
    NEVER = "never"
    RANDOM = "random"


@dataclass(frozen=True, slots=True)
class Decision:
    """The limiter's verdict on one request."""

    allowed: bool
    family: Family
    category: Category
    daily: bool  # the verdict came from the daily budget (else the per-second window)
    limit: int
    remaining: int
    # When the caller may retry: the end of the window, or the next UTC midnight.
    retry_at: datetime
    retry_seconds: float


@dataclass(slots=True)
class _Count:
    window: int = -1
    used: int = 0  # by the apps calling the sandbox
    foreign: int = 0  # by the other app (foreign traffic), admitted
    played: int = 0  # the other app's calls of this window played so far


# Called for each call of the other app the limits admitted: (family, category, monotonic).
ForeignCall = Callable[[Family, Category, float], None]


@dataclass(slots=True)
class _Daily:
    day: str = ""
    used: int = 0


def _next_midnight(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class RateLimiter:
    """Counts requests per (family, category) and per day; decides 200 or 429."""

    plan: Plan = Plan.PRO
    retry_after: RetryAfterStyle = RetryAfterStyle.ZOOM
    headers: HeaderMode = HeaderMode.ALWAYS
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    enabled: bool = True
    # Another app on the same account spends this share of every category's per-window limit
    # (and of the daily budgets), its calls evenly spread over each window; they take slots from
    # the same buckets, so ours get 429s sooner. 0: the account is ours alone.
    foreign_share: float = 0.0
    on_foreign: ForeignCall | None = None
    _limit_overrides: dict[tuple[Family, Category], int] = field(default_factory=dict)
    _daily_overrides: dict[Family, int] = field(default_factory=dict)
    _counts: dict[tuple[Family, Category], _Count] = field(default_factory=dict)
    _daily: dict[Family, _Daily] = field(default_factory=dict)

    # -- configuration -----------------------------------------------------------------

    def window(self, family: Family, category: Category) -> Window:
        """The window in force: Zoom's for the plan, or a lowered one."""
        # Zoom's published numbers, from the same table the client paces itself by.
        zoom = limit_for(family, category, self.plan)
        base = Window(int(zoom.requests), zoom.period)
        override = self._limit_overrides.get((family, category))
        return base if override is None else Window(override, base.seconds)

    def set_foreign_share(self, share: float) -> None:
        """Let another app spend `share` (0..1) of each category from now on."""
        if not 0 <= share < 1:
            raise ValueError("the other app's share must be at least 0 and below 1")
        self.foreign_share = share

    def daily_limit(self, family: Family) -> int:
        return self._daily_overrides.get(family, daily_budget(family, self.plan))

    def set_limit(self, family: Family, category: Category, requests: int) -> None:
        """Lower (or raise) one category's limit: another app taking its share."""
        if requests < 0:
            raise ValueError("a limit cannot be negative")
        self._limit_overrides[(family, category)] = requests

    def set_daily_limit(self, family: Family, requests: int) -> None:
        if requests < 0:
            raise ValueError("a limit cannot be negative")
        self._daily_overrides[family] = requests

    def use_daily(self, family: Family, requests: int, now: datetime) -> None:
        """Spend part of today's budget, as other apps on the account would."""
        self._today(family, now).used += requests

    def daily_used(self, family: Family, now: datetime) -> int:
        return self._today(family, now).used

    def reset(self) -> None:
        """Forget counts and overrides (not the plan or the header styles)."""
        self._limit_overrides.clear()
        self._daily_overrides.clear()
        self._counts.clear()
        self._daily.clear()

    # -- the verdict -------------------------------------------------------------------

    def _today(self, family: Family, now: datetime) -> _Daily:
        day = now.date().isoformat()
        daily = self._daily.setdefault(family, _Daily())
        if daily.day != day:  # a new UTC day: the budget is whole again
            daily.day, daily.used = day, 0
        return daily

    def check(
        self, family: Family, category: Category, monotonic: float, now: datetime
    ) -> Decision:
        """Count one request if it fits; say why not if it does not."""
        window = self.window(family, category)
        index = math.floor(monotonic / window.seconds)
        count = self._counts.setdefault((family, category), _Count())
        if count.window != index:
            count.window, count.used, count.foreign, count.played = index, 0, 0, 0
        if self.enabled and self.foreign_share:
            self._play_foreign(family, category, window, index, monotonic, count, now)
        window_left = (index + 1) * window.seconds - monotonic
        in_window = Decision(
            allowed=True, family=family, category=category, daily=False,
            limit=window.requests,
            remaining=max(0, window.requests - count.used - count.foreign - 1),
            retry_at=now + timedelta(seconds=window_left), retry_seconds=window_left,
        )
        if not self.enabled:
            return in_window
        if category in DAILY_CATEGORIES:
            daily = self._today(family, now)
            limit = self.daily_limit(family)
            if daily.used >= limit:
                midnight = _next_midnight(now)
                return Decision(
                    allowed=False, family=family, category=category, daily=True, limit=limit,
                    remaining=0, retry_at=midnight,
                    retry_seconds=(midnight - now).total_seconds(),
                )
        if count.used + count.foreign >= window.requests:
            return Decision(
                allowed=False, family=family, category=category, daily=False,
                limit=window.requests, remaining=0,
                retry_at=in_window.retry_at, retry_seconds=window_left,
            )
        count.used += 1
        if category in DAILY_CATEGORIES:
            self._today(family, now).used += 1
        return in_window

    def _play_foreign(self, family: Family, category: Category, window: Window, index: int,
                      monotonic: float, count: _Count, now: datetime) -> None:
        """The other app's calls of this window due by now, in order: its j-th of F calls comes
        at (j + 0.5) / F of the window. Played when the category is next asked (the count is
        all a fixed window looks at); each admitted one is reported at its own time."""
        planned = math.floor(self.foreign_share * window.requests)
        if not planned:
            return
        start = index * window.seconds
        due = min(planned, math.floor((monotonic - start) / window.seconds * planned + 0.5))
        daily = self._today(family, now) if category in DAILY_CATEGORIES else None
        while count.played < due:
            at = start + (count.played + 0.5) * window.seconds / planned
            count.played += 1
            if count.used + count.foreign >= window.requests:
                continue  # the other app's 429, its business
            if daily is not None:
                if daily.used >= self.daily_limit(family):
                    continue
                daily.used += 1
            count.foreign += 1
            if self.on_foreign is not None:
                self.on_foreign(family, category, at)

    # -- what the response says --------------------------------------------------------

    def rejection_message(self, decision: Decision) -> str:
        if decision.daily:
            return (
                f"You have exceeded the daily rate limit ({decision.limit}) of "
                f"{LABELS[decision.category]} API requests permitted for this particular "
                "account. You may resume these requests at GMT 00:00:00."
            )
        if self.window(decision.family, decision.category).seconds > SECOND:
            return PER_MINUTE_MESSAGE
        return QPS_MESSAGE

    def response_headers(self, decision: Decision) -> dict[str, str]:
        """`Retry-After` (on 429s, in the configured form) and `X-RateLimit-*` (maybe)."""
        headers: dict[str, str] = {}
        send_x = self.headers is HeaderMode.ALWAYS or (
            self.headers is HeaderMode.RANDOM and self.rng.random() < 0.5
        )
        if send_x:
            headers["X-RateLimit-Category"] = LABELS[decision.category]
            headers["X-RateLimit-Type"] = "Daily-limit" if decision.daily else "QPS"
            headers["X-RateLimit-Limit"] = str(decision.limit)
            headers["X-RateLimit-Remaining"] = str(decision.remaining)
        if not decision.allowed:
            retry_after = self._retry_after(decision)
            if retry_after is not None:
                headers["Retry-After"] = retry_after
        return headers

    def _retry_after(self, decision: Decision) -> str | None:
        style = self.retry_after
        if style is RetryAfterStyle.RANDOM:
            style = self.rng.choice([
                RetryAfterStyle.SECONDS, RetryAfterStyle.HTTP_DATE, RetryAfterStyle.ISO,
                RetryAfterStyle.ABSENT,
            ])
        if style is RetryAfterStyle.ZOOM:
            style = RetryAfterStyle.ISO if decision.daily else RetryAfterStyle.SECONDS
        # Whole seconds, rounded up, so a client that waits exactly that long gets through.
        retry_at = decision.retry_at
        if retry_at.microsecond:
            retry_at = retry_at.replace(microsecond=0) + timedelta(seconds=1)
        if style is RetryAfterStyle.SECONDS:
            return str(max(1, math.ceil(decision.retry_seconds)))
        if style is RetryAfterStyle.HTTP_DATE:
            return format_datetime(retry_at, usegmt=True)
        if style is RetryAfterStyle.ISO:
            return retry_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return None
