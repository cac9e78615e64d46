"""The account worker's jobs: the nightly voicemail listing and the call-history repair poll,
each done once per account and delivered to every hotel.

A job names the key it is due for (a day, a window), is claimed under the leader's epoch
(`claims.py`), lists on Zoom through `Effects` and delivers each hotel its rows
(`deliveries.py`). It is finished (marked done) only when every hotel has taken its part;
until then it is due again after a short wait, and what was delivered is not sent again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Protocol

from connector.account import feed
from connector.account.claims import Claim, Claims
from connector.account.deliveries import deliver_all
from connector.account.effects import Effects
from connector.account.group import Group
from connector.account.listings import Listings
from connector.account.routing import call_row_hotel, voicemail_row_hotel
from connector.account.split import split_rows
from connector.billing.poll_plan import CHUNK, Window, next_window
from connector.clock import Clock
from connector.daily_schedule import DailySchedule
from connector.reconcile.purger import LOOKBACK

log = logging.getLogger("connector.account.worker")


class Job(Protocol):
    name: str

    async def due(self, claims: Claims) -> str | None:
        """The key the job is due for now, if any."""

    async def run(self, key: str, claim: Claim, effects: Effects, claims: Claims) -> bool:
        """Do the job under `claim`; True when finished (every hotel served)."""

    def finished(self, key: str) -> None:
        """The job for `key` is done (by this leader or an earlier one)."""


class VoicemailListingJob:
    """Once a day: the account's voicemails of the last month, each hotel its own."""

    name = "voicemail_listing"

    def __init__(self, group: Group, listings: Listings, schedule: DailySchedule,
                 clock: Clock) -> None:
        self._group = group
        self._listings = listings
        self._schedule = schedule
        self._clock = clock
        self._last_day: date | None = None

    async def due(self, claims: Claims) -> str | None:
        day = self._schedule.due(self._clock.now(), self._last_day)
        return None if day is None else day.isoformat()

    def finished(self, key: str) -> None:
        self._last_day = max(date.fromisoformat(key), self._last_day or date.min)

    async def run(self, key: str, claim: Claim, effects: Effects, claims: Claims) -> bool:
        end = self._clock.now()
        begin = end - LOOKBACK
        rows = await self._listings.voicemails(effects, begin, end)
        split = split_rows(self._group, rows, voicemail_row_hotel)
        day = date.fromisoformat(key)
        documents = {hotel_id: feed.encode(feed.VoicemailListing(day, begin, end, mine))
                     for hotel_id, mine in split.by_hotel.items()}
        left = await deliver_all(claim, effects, self._group, documents)
        log.info("the account's voicemails listed and delivered", extra={
            "day": key, "voicemails_listed": len(rows), "unowned": split.unowned,
            "hotels_left": len(left)})
        if left:
            return False
        await claim.finish(f"{len(rows)} listed")
        return True


class CallHistoryJob:
    """Every `every`: the account's outside calls since the cursor, each hotel its own."""

    name = "call_history"

    def __init__(self, group: Group, listings: Listings, every: timedelta,
                 clock: Clock) -> None:
        self._group = group
        self._listings = listings
        self._every = every
        self._clock = clock
        self._next_at: datetime | None = None
        self._behind = False

    async def due(self, claims: Claims) -> str | None:
        now = self._clock.now()
        if self._next_at is not None and now < self._next_at:
            return None
        window = self._window(await claims.cursor(self.name), now)
        return None if window is None else window.start.isoformat()

    def finished(self, key: str) -> None:
        # Catching up (a long stop): the next window at once, as the hotel's poll does.
        self._next_at = None if self._behind else self._clock.now() + self._every
        self._behind = False

    def _window(self, cursor: str | None, now: datetime) -> Window | None:
        return next_window(None if cursor is None else datetime.fromisoformat(cursor),
                           now).window

    async def run(self, key: str, claim: Claim, effects: Effects, claims: Claims) -> bool:
        window = self._window(await claims.cursor(self.name), self._clock.now())
        if window is None or window.start.isoformat() != key:
            # The cursor moved since `due`: this window was done meanwhile.
            await claim.finish("moved")
            return True
        rows = await self._listings.calls(effects, window)
        split = split_rows(self._group, rows, call_row_hotel)
        documents = {hotel_id: feed.encode(feed.CallRows(key, mine))
                     for hotel_id, mine in split.by_hotel.items() if mine}
        left = await deliver_all(claim, effects, self._group, documents)
        log.info("the account's calls listed and delivered", extra={
            "window": key, "calls_listed": len(rows), "unowned": split.unowned,
            "hotels_left": len(left)})
        if left:
            return False
        await claims.set_cursor(effects.lead, self.name, window.end.isoformat())
        await claim.finish(f"{len(rows)} listed")
        following = self._window(window.end.isoformat(), self._clock.now())
        self._behind = following is not None and following.end - following.start >= CHUNK
        return True
