"""What the call-history poll lists next, and what it costs (pure: no I/O, no clock).

The poll lists `GET /phone/call_history` by the calls' *end* time (`time_type=end_time`): a
call is in the history once it has ended, so listing by end time over windows that follow
each other leaves no gap, however long a call lasted (by start time, a two-hour call that
started before the last listing and ended after it would fall between two windows).

The watermark is the end of the last window listed in full. The next window starts a little
before it (OVERLAP: Zoom may write a row a little late; the intake makes a call seen twice one
call) and ends a little before now (SETTLE: rows of calls that just ended may not be written
yet). A restart resumes from the watermark, so the time the connector was down is listed too,
but never more than MAX_CATCH_UP back; a long catch-up is listed in CHUNKs, oldest first,
each checkpointed, so a day's budget running out mid-way loses at most one chunk's pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from connector.settings.model import Plan
from connector.zoom.catalogue import Family
from connector.zoom.rate_tables import daily_budget

PAGE_SIZE = 300  # the largest page Zoom allows for `GET /phone/call_history`
# Rows of a call that just ended may not be written yet: list up to this long before now.
SETTLE = timedelta(minutes=10)
# Consecutive windows share this much, for `to` given in whole seconds. Kept short: a row
# written late is caught by SETTLE, which costs minutes of delay, not rows listed twice.
OVERLAP = timedelta(minutes=1)
# With no watermark (the first start): Zoom retries a webhook until 85 minutes after the call
# (5 + 20 + 60), so two hours back finds every call whose webhook may still be lost.
FIRST_LOOKBACK = timedelta(hours=2)
# Older calls are past any folio the PMS still accepts; Zoom keeps six months, in one-month
# windows, and listing them would spend days of budget.
MAX_CATCH_UP = timedelta(days=7)
CHUNK = timedelta(hours=6)
# The shortest time between two listings, however busy the hotel.
MIN_EVERY = timedelta(minutes=5)
# A guess at a busy hotel for the doctor's estimate: the benchmark day (20,000
# outside calls from 1,000 rooms).
EXPECTED_CALLS_PER_ROOM_PER_DAY = 20
_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Window:
    """Calls that ended in [start, end] (UTC), listed in one go."""

    start: datetime
    end: datetime

    def query(self) -> dict[str, str]:
        """Zoom's `from`/`to` in the `yyyy-MM-dd'T'HH:mm:ss'Z'` form the spec allows (a plain
        date would list the whole day again at every poll)."""
        return {"from": _zoom_time(self.start), "to": _zoom_time(self.end)}


@dataclass(frozen=True)
class NextWindow:
    """The next window to list, and how much older history was left out (MAX_CATCH_UP)."""

    window: Window | None
    skipped: timedelta = timedelta(0)


def next_window(watermark: datetime | None, now: datetime) -> NextWindow:
    """The next window to list after `watermark` (None: never listed), or no window when the
    history is listed up to `now - SETTLE` already."""
    end = now.replace(microsecond=0) - SETTLE
    start = end - FIRST_LOOKBACK if watermark is None else watermark - OVERLAP
    skipped = timedelta(0)
    oldest = end - MAX_CATCH_UP
    if start < oldest:
        skipped, start = oldest - start, oldest
    if watermark is not None and watermark >= end:
        return NextWindow(None)
    return NextWindow(Window(start, min(end, start + CHUNK)), skipped)


@dataclass(frozen=True)
class Cadence:
    """List every `every`, expecting `pages` pages a listing."""

    every: timedelta
    pages: int


def cadence(rows_per_minute: float | None, interval: timedelta) -> Cadence:
    """How often to list so that a listing's pages are full: at the latest every `interval`
    (how late a lost webhook's call may be found), sooner when waiting that long would leave
    a listing's last page nearly empty. `rows_per_minute`: what the last listings found
    (None: not known yet). Every page costs one Heavy call, however few rows it holds."""
    if not rows_per_minute:
        return Cadence(interval, 1)
    at_interval = rows_per_minute * ((interval + OVERLAP) / _MINUTE)
    pages = math.ceil(at_interval / PAGE_SIZE)
    while pages > 0 and _rows_filling(pages) > at_interval:
        pages -= 1
    if pages == 0:  # a whole interval's calls fit in one page
        return Cadence(interval, 1)
    every = _MINUTE * (_rows_filling(pages) / rows_per_minute) - OVERLAP
    if every >= MIN_EVERY:
        return Cadence(every, pages)
    # Busier than a page a few minutes: list at the shortest step, in as many pages as it takes.
    at_shortest = rows_per_minute * ((MIN_EVERY + OVERLAP) / _MINUTE)
    pages = 1
    while _rows_filling(pages) < at_shortest:
        pages += 1
    return Cadence(MIN_EVERY, pages)


def _rows_filling(pages: int) -> float:
    """Rows that fill `pages` pages but for two standard deviations of a Poisson count, so a
    listing seldom spills a few rows onto one more page."""
    rows = pages * PAGE_SIZE
    return rows - 2 * math.sqrt(rows)


def pages_per_day(calls_per_day: int, interval_minutes: int) -> int:
    """Heavy calls a day for a hotel whose rooms place `calls_per_day` outside calls."""
    plan = cadence(calls_per_day / (_DAY / _MINUTE), timedelta(minutes=interval_minutes))
    return math.ceil(_DAY / plan.every) * plan.pages


def daily_share(plan: Plan, share: float) -> int:
    """The poll's Heavy calls a day: its share of the plan's daily Heavy budget."""
    return int(daily_budget(Family.PHONE, plan) * share)


@dataclass(frozen=True)
class HeavyShare:
    """The poll's Heavy calls on one UTC day (Zoom resets its daily limits at 00:00 UTC).

    Kept in the store with the watermark, so a connector restarted in a loop cannot list
    its share again at each start."""

    day: date
    used: int = 0

    def on(self, now: datetime) -> HeavyShare:
        """The count for `now`'s UTC day (a new day starts at 0)."""
        today = now.date()
        return self if today == self.day else HeavyShare(today)

    def to_text(self) -> str:
        return f"{self.day.isoformat()} {self.used}"

    @classmethod
    def from_text(cls, text: str | None, now: datetime) -> HeavyShare:
        """The stored count; a missing or unreadable one starts the day at 0."""
        try:
            day, used = (text or "").split()
            return cls(date.fromisoformat(day), max(0, int(used))).on(now)
        except ValueError:
            return cls(now.date())


def _zoom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
