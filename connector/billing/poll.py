"""The call-history poll: lists Zoom's `GET /phone/call_history` to find the calls whose
webhook never came, and hands every row to the call intake (`CallSink`).

It lists outbound external calls of users and common areas (the extensions rooms are), by
end time, from its watermark up to a few minutes ago (`poll_plan.py`): at start-up (which
covers the time the connector was down), then every `poll_interval_minutes` at the latest;
sooner at a hotel busy enough to fill its pages sooner (a page is one Heavy call however few
rows it holds), when most calls a listing found had not come by webhook (the webhook door is
failing, or Zoom stopped sending: it gives up after retrying at 5, 20 and 60 minutes), and
when `nudge()` is called. The watermark is stored only after every page of a window was
handed over, so a crash or a failure lists the window again (the intake makes a call seen
twice one call) and never skips one.

After each listing it runs the charge reader (`charge_reader.py`), which reads Zoom's carrier
charges for calls in tariff classes that mark them up, from the same Heavy share.

Each page is one Heavy call. The poll spends at most its own share of the plan's daily Heavy
budget (`poll_daily_heavy_share`), counted per UTC day in the store; when it is spent the poll
waits for the next UTC day and says so, and the rest of the connector's Heavy work (the
account-wide voicemail listing) keeps the remainder.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from prometheus_client import CollectorRegistry

from connector.billing.call import CallRowInvalid, CallSink, from_history_row
from connector.billing.poll_metrics import PollMetrics
from connector.billing.poll_plan import (
    MAX_CATCH_UP,
    Cadence,
    HeavyShare,
    Window,
    cadence,
    daily_share,
    next_window,
)
from connector.clock import Clock, nap
from connector.settings.model import BillingSettings, Plan
from connector.store import StoreError
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import endpoint
from connector.zoom.daily_budget import next_utc_midnight
from connector.zoom.errors import ZoomApiError, ZoomError
from connector.zoom.work_class import background_work

log = logging.getLogger("connector.billing.poll")
_MINUTE = timedelta(minutes=1)

WATERMARK_KEY = "billing.poll.watermark"
HEAVY_USED_KEY = "billing.poll.heavy_used"
# A listing whose page token expired (Zoom keeps one 15 minutes) starts again this many times.
MAX_LISTING_RESTARTS = 3
# After a failed listing, or one whose calls the webhooks mostly missed: look again this soon.
RECHECK = timedelta(minutes=10)
# A window this short says little about how many calls an hour the hotel makes.
_RATE_WINDOW = timedelta(minutes=10)

# Rooms are users or common areas; only their outside calls can be charged. Emergency calls
# are listed too: they are kept and rated free, never left out.
FILTERS: dict[str, str | list[str]] = {
    "directions": ["outbound"],
    "connect_types": ["external"],
    "extension_types": ["user", "common_area"],
    "time_type": "end_time",
}


class MetaStore(Protocol):
    """Where the watermark and the day's Heavy count live (the store's meta table)."""

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None: ...


class ChargeReading(Protocol):
    """What the poll runs after each listing (`charge_reader.ChargeReader`): Zoom's carrier
    charges for the calls waiting for them, paid from the poll's Heavy share."""

    async def read(self, take_heavy: Callable[[], None]) -> object: ...


class _ShareSpent(Exception):
    """The day's Heavy share is spent: the listing stops before asking Zoom again."""


@dataclass
class PollOutcome:
    """What one poll did: `outcome` is done, failed or budget."""

    outcome: str = "done"
    windows: int = 0
    pages: int = 0
    results: Counter[str] = field(default_factory=Counter)
    watermark: datetime | None = None

    @property
    def missed_by_webhooks(self) -> int:
        return self.results["new"]

    @property
    def webhooks_failing(self) -> bool:
        """Most calls listed had not come by webhook: not the odd lost one, the door is
        failing (or Zoom stopped sending), so the poll carries the calls for now."""
        return 2 * self.missed_by_webhooks > sum(self.results.values())


class CallHistoryPoll:
    """Lists the account's call history into `sink`; `run()` keeps doing it until stopped."""

    def __init__(
        self,
        api: ZoomApi,
        sink: CallSink,
        store: MetaStore,
        *,
        settings: BillingSettings,
        plan: Plan,
        clock: Clock,
        metrics: PollMetrics | None = None,
        charges: ChargeReading | None = None,
    ) -> None:
        """`charges`: read after each listing, from the same Heavy share."""
        self._api = api
        self._charges = charges
        self._sink = sink
        self._store = store
        self._clock = clock
        self.interval = timedelta(minutes=settings.poll_interval_minutes)
        self.share = daily_share(plan, settings.poll_daily_heavy_share)
        self.metrics = metrics or PollMetrics(CollectorRegistry())
        self.metrics.heavy_share.set(self.share)
        self.metrics.heavy_used.set(self._heavy().used)
        self.metrics.watermark_age.set_function(self._watermark_age)
        self._nudged = asyncio.Event()
        self._rows_per_minute: float | None = None

    @property
    def watermark(self) -> datetime | None:
        """The end of the call history listed in full (None: never listed, or unreadable:
        the poll then starts afresh, two hours back, rather than not at all)."""
        text = self._store.meta(WATERMARK_KEY)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            log.warning("the call-history poll's watermark %r is unreadable; starting afresh",
                        text[:64])
            return None
        return moment if moment.tzinfo is not None else None

    def nudge(self) -> None:
        """List now, not at the next interval (the webhook door saw reason to doubt itself)."""
        self._nudged.set()

    @property
    def cadence(self) -> Cadence:
        """How often the poll lists: every interval, sooner at a hotel busy enough to fill
        pages sooner (`poll_plan.cadence`)."""
        return cadence(self._rows_per_minute, self.interval)

    async def poll_once(self) -> PollOutcome:
        """List every window from the watermark up to a few minutes before the poll began."""
        done = PollOutcome(watermark=self.watermark)
        # Windows end where the poll began: a listing takes time, and chasing the clock
        # after it would spend a Heavy call on each second that passed while listing.
        began = self._clock.now()
        try:
            while (window := self._next_window(done.watermark, began)) is not None:
                if done.watermark is None:
                    # The first listing ever: where it begins is where a retry begins too.
                    self._store.set_meta(WATERMARK_KEY, window.start.isoformat())
                rows = await self._list(window, done)
                if window.end - window.start >= _RATE_WINDOW:
                    self._rows_per_minute = rows / ((window.end - window.start) / _MINUTE)
                done.windows += 1
                done.watermark = window.end
                self._store.set_meta(WATERMARK_KEY, window.end.isoformat())
            if self._charges is not None:
                # After the listing: the calls it brought are waiting too.
                await self._read_charges()
        except _ShareSpent:
            done.outcome = "budget"
        except ZoomError as error:
            done.outcome = "failed"
            log.warning("the call history could not be listed; trying again later: %s", error)
        self.metrics.runs.labels(done.outcome).inc()
        if done.missed_by_webhooks:
            # A few lost webhooks are what the poll is for; most of them lost is news.
            log.log(logging.WARNING if done.webhooks_failing else logging.INFO,
                    "the call history held %d call(s) no webhook had brought",
                    done.missed_by_webhooks)
        return done

    async def _read_charges(self) -> None:
        """The charge reader's turn. Its failure is not the listing's: the listing is not
        repeated sooner for it (that would spend Heavy calls on windows already listed);
        the waiting calls wait for the next poll."""
        assert self._charges is not None
        try:
            await self._charges.read(self._take_heavy)
        except ZoomError as error:
            log.warning("Zoom's call charges report could not be read; calls waiting for "
                        "their carrier charge wait for the next poll: %s", error)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll at once, then every interval (sooner after a failure or missed calls, later
        when the day's Heavy share is spent) until `stop` is set."""
        while not stop.is_set():
            began = self._clock.monotonic()
            try:
                # A sweep: guests' own changes go first on a shared limiter.
                with background_work():
                    done = await self.poll_once()
            except Exception:
                # A fault of the intake or the store must not stop the connector's other
                # parts: the window stays unlisted and is tried again.
                log.exception("the call-history poll failed; trying again later")
                self.metrics.runs.labels("failed").inc()
                done = PollOutcome(outcome="failed")
            if done.outcome == "budget":
                resume = next_utc_midnight(self._clock.now())
                log.warning("the call-history poll spent its %d Heavy calls for today; it "
                            "waits until %s UTC (CONNECTOR_BILLING__POLL_DAILY_HEAVY_SHARE)",
                            self.share, resume.strftime("%Y-%m-%d %H:%M"))
                self.metrics.waiting_for_budget.set(1)
                pause = resume - self._clock.now()
            elif done.outcome == "failed" or done.webhooks_failing:
                pause = min(self.cadence.every, RECHECK)
            else:
                pause = self.cadence.every
            if done.outcome != "budget":
                # From listing to listing: a slow listing (Zoom's Heavy pages, a 429's wait)
                # must not lengthen the next window past the pages the cadence planned.
                pause -= timedelta(seconds=self._clock.monotonic() - began)
            await self._pause(pause, stop)
            self.metrics.waiting_for_budget.set(0)

    def _next_window(self, watermark: datetime | None, now: datetime) -> Window | None:
        plan = next_window(watermark, now)
        if plan.skipped and plan.window is not None:
            log.warning("the call history was last listed more than %d days ago; calls that "
                        "ended before %s UTC are not listed", MAX_CATCH_UP.days,
                        plan.window.start.strftime("%Y-%m-%d %H:%M"))
        return plan.window

    async def _list(self, window: Window, done: PollOutcome) -> int:
        """Every page of one window into the sink; a page token that expired between two
        pages starts the window again (what was handed over is handed over again). Returns
        the window's rows."""
        restarts = 0
        rows = 0
        query: dict[str, Any] = {**FILTERS, **window.query()}
        while True:
            self._take_heavy()
            try:
                page = await self._api.call_history_page(
                    query, intent="list the account's outside calls for call accounting")
            except ZoomApiError as error:
                if not _token_expired(error, query) or restarts >= MAX_LISTING_RESTARTS:
                    raise
                restarts += 1
                self.metrics.restarts.inc()
                query.pop("next_page_token")
                rows = 0
                continue
            done.pages += 1
            self.metrics.pages.inc()
            for row in _rows(page):
                rows += 1
                result = self._hand_over(row)
                done.results[result] += 1
                self.metrics.rows.labels(result).inc()
            token = page.get("next_page_token")
            if not token:
                return rows
            query["next_page_token"] = token

    def _hand_over(self, row: Mapping[str, Any]) -> str:
        try:
            call = from_history_row(row)
        except CallRowInvalid as error:
            # The row's id only: its other fields may carry a guest's name or number.
            log.warning("a call-history row was left out: %s",
                        error, extra={"call_id": str(row.get("call_id", ""))[:64]})
            return "invalid"
        return self._sink.take(call, "poll")

    def _take_heavy(self) -> None:
        heavy = self._heavy()
        if heavy.used >= self.share:
            raise _ShareSpent
        heavy = HeavyShare(heavy.day, heavy.used + 1)
        self._store.set_meta(HEAVY_USED_KEY, heavy.to_text())
        self.metrics.heavy_used.set(heavy.used)

    def _heavy(self) -> HeavyShare:
        return HeavyShare.from_text(self._store.meta(HEAVY_USED_KEY), self._clock.now())

    def _watermark_age(self) -> float:
        try:
            watermark = self.watermark
        except StoreError:  # closed at shutdown: a scrape must not fail for it
            return float("nan")
        if watermark is None:
            return 0.0
        return max(0.0, (self._clock.now() - watermark).total_seconds())

    async def _pause(self, pause: timedelta, stop: asyncio.Event) -> None:
        self._nudged.clear()
        await nap(self._clock, pause.total_seconds(), self._nudged, stop)


def _rows(page: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The page's rows: `call_history`, or the deprecated `call_logs` Zoom still sends."""
    rows = page.get(endpoint("list_account_call_history").items_field or "call_history")
    if rows is None:
        rows = page.get("call_logs")
    return [row for row in rows or [] if isinstance(row, Mapping)]


def _token_expired(error: ZoomApiError, query: Mapping[str, Any]) -> bool:
    """Zoom's answer to a `next_page_token` older than 15 minutes: a 400 about the token."""
    return "next_page_token" in query and error.status == 400 and (
        "token" in error.zoom_message.lower())


def start_call_history_poll(
    api: ZoomApi,
    sink: CallSink,
    store: MetaStore,
    *,
    settings: BillingSettings,
    plan: Plan,
    clock: Clock,
    stop: asyncio.Event,
    registry: CollectorRegistry,
    charges: ChargeReading | None = None,
) -> tuple[CallHistoryPoll, asyncio.Task[None]] | None:
    """Start the poll as a task of `connector serve` (None, and a warning, when the Zoom app
    lacks the call-history scope). The caller keeps the poll to `nudge()` it."""
    scopes, listing = api.client.scopes, endpoint("list_account_call_history")
    if scopes is not None and not scopes.allows(listing):
        log.warning("the call-history poll is off: the Zoom app lacks %s; calls whose webhook "
                    "is lost will not be found", listing.admin_scope)
        return None
    poll = CallHistoryPoll(api, sink, store, settings=settings, plan=plan, clock=clock,
                           metrics=PollMetrics(registry), charges=charges)
    return poll, asyncio.create_task(poll.run(stop), name="call-history-poll")
