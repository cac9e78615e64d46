"""The call-history poll finds the calls whose webhook never came, resumes where it stopped,
rides out Zoom's limits and failures, and spends no more than its share of the Heavy budget."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from prometheus_client import CollectorRegistry

from connector.billing.call import CallSource, ZoomCall
from connector.billing.poll import (
    HEAVY_USED_KEY,
    RECHECK,
    WATERMARK_KEY,
    CallHistoryPoll,
    start_call_history_poll,
)
from connector.billing.poll_metrics import PollMetrics
from connector.billing.poll_plan import CHUNK, OVERLAP, SETTLE
from connector.settings.model import BillingSettings, Plan
from connector.store import Store
from connector.zoom.api import ZoomApi
from tests.support.fake_clock import FakeClock
from tests.support.waiting import until
from tests.support.zoom_factories import (
    ALL_SCOPES,
    api,
    issue_tokens,
    new_router,
    zoom_client,
    zoom_error,
    zoom_settings,
)

EVENING = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
LATE_EVENING = datetime(2026, 12, 7, 23, 40, tzinfo=UTC)
NEXT_MIDNIGHT = datetime(2026, 12, 8, tzinfo=UTC)
HISTORY = api("/phone/call_history")
GUEST_NAME = "Ms Aurelia Quint"
DAILY = ("You have exceeded the daily rate limit (15000) of Heavy API requests permitted for "
         "this particular API. You may resume these requests at GMT 00:00:00.")


class Intake:
    """The call intake as the poll sees it: keyed by call id; `by_webhook` are the calls the
    webhooks already brought."""

    def __init__(self, by_webhook: tuple[str, ...] = ()) -> None:
        self.seen: dict[str, ZoomCall] = {}
        self.handed: list[tuple[str, CallSource]] = []
        self._by_webhook = set(by_webhook)

    def take(self, call: ZoomCall, source: CallSource) -> str:
        self.handed.append((call.call_id, source))
        known = call.call_id in self.seen or call.call_id in self._by_webhook
        self.seen[call.call_id] = call
        return "duplicate" if known else "new"


def _row(call_id: str, *, extension: str = "1205", ended: datetime = EVENING,
         **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "call_history_uuid": f"20261207-{call_id}", "call_id": call_id,
        "direction": "outbound", "connect_type": "external", "call_type": "general",
        "international": True, "call_result": "answered", "duration": 185,
        "caller_ext_number": extension, "caller_ext_type": "common_area",
        "caller_name": GUEST_NAME, "callee_did_number": "+442071838750",
        "callee_country_iso_code": "GB",
        "start_time": (ended - timedelta(seconds=194)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answer_time": (ended - timedelta(seconds=185)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_time": ended.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    row.update(extra)
    return row


def _page(*rows: dict[str, Any], token: str = "") -> httpx.Response:
    return httpx.Response(200, json={
        "call_history": list(rows), "next_page_token": token, "page_size": 300,
        "total_records": len(rows)})


class Zoom:
    """Zoom's call history as a test scripts it; remembers every request and when it came."""

    def __init__(self, router: respx.MockRouter, clock: FakeClock) -> None:
        self.requests: list[httpx.Request] = []
        self.arrivals: list[datetime] = []
        self._answers: list[httpx.Response | Callable[[httpx.Request], httpx.Response]] = []
        self._clock = clock
        router.get(HISTORY).mock(side_effect=self._answer)

    def answer(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]
               ) -> None:
        self._answers.extend(answers)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.arrivals.append(self._clock.now())
        answer = self._answers.pop(0) if self._answers else _page()
        return answer(request) if callable(answer) else answer

    def query(self, index: int) -> dict[str, list[str]]:
        params = self.requests[index].url.params
        return {name: params.get_list(name) for name in params}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(EVENING)


@pytest.fixture
def router() -> respx.MockRouter:
    router = new_router()
    issue_tokens(router)
    return router


@pytest.fixture
def zoom(router: respx.MockRouter, clock: FakeClock) -> Zoom:
    return Zoom(router, clock)


@pytest.fixture
async def zoom_api(router: respx.MockRouter, clock: FakeClock) -> AsyncIterator[ZoomApi]:
    async with zoom_client(router, clock) as client:
        yield ZoomApi(client)


@pytest.fixture
def store(clock: FakeClock) -> Iterator[Store]:
    with Store(":memory:", clock=clock) as store:
        yield store


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def _poll(zoom_api: ZoomApi, intake: Intake, store: Store, clock: FakeClock,
          registry: CollectorRegistry, *, share: float = 0.02,
          plan: Plan = Plan.PRO) -> CallHistoryPoll:
    settings = BillingSettings(poll_interval_minutes=30, poll_daily_heavy_share=share)
    return CallHistoryPoll(zoom_api, intake, store, settings=settings, plan=plan, clock=clock,
                           metrics=PollMetrics(registry))


def _metric(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_a_rooms_international_call_reaches_the_intake_from_every_page(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    zoom.answer(_page(_row("call-1205"), _row("call-1207", extension="1207"), token="Nx3kQ"),
                _page(_row("call-2101", extension="2101")))
    intake = Intake()

    done = await _poll(zoom_api, intake, store, clock, registry).poll_once()

    assert done.outcome == "done"
    assert intake.handed == [("call-1205", "poll"), ("call-1207", "poll"), ("call-2101", "poll")]
    assert intake.seen["call-1205"].dialled == "+442071838750"
    assert intake.seen["call-1205"].talk_seconds == 185
    assert done.pages == 2
    assert _metric(registry, "connector_call_poll_pages_total") == 2
    assert _metric(registry, "connector_call_poll_rows_total", result="new") == 3
    assert _metric(registry, "connector_call_poll_heavy_used_today") == 2


async def test_zoom_is_asked_for_outside_calls_of_rooms_by_end_time_since_two_hours_ago(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    zoom.answer(_page(_row("call-1205"), token="Nx3kQ"), _page())

    await _poll(zoom_api, Intake(), store, clock, registry).poll_once()

    first = zoom.query(0)
    assert first == {
        "directions": ["outbound"], "connect_types": ["external"],
        "extension_types": ["user", "common_area"], "time_type": ["end_time"],
        "from": ["2026-12-07T17:50:00Z"], "to": ["2026-12-07T19:50:00Z"],
        "page_size": ["300"],
    }
    assert zoom.query(1) == {**first, "next_page_token": ["Nx3kQ"]}


async def test_after_a_restart_the_poll_resumes_where_it_stopped(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
) -> None:
    await _poll(zoom_api, Intake(), store, clock, CollectorRegistry()).poll_once()
    assert store.meta(WATERMARK_KEY) == (EVENING - SETTLE).isoformat()
    clock.advance(3 * 3600)  # the connector was down for three hours

    restarted = _poll(zoom_api, Intake(), store, clock, CollectorRegistry())
    done = await restarted.poll_once()

    assert zoom.query(1)["from"] == [_zoom(EVENING - SETTLE - OVERLAP)]
    assert zoom.query(1)["to"] == [_zoom(clock.now() - SETTLE)]
    assert done.watermark == restarted.watermark == clock.now() - SETTLE


async def test_a_call_the_webhook_brought_is_not_counted_as_missed(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    zoom.answer(_page(_row("call-1205"), _row("call-1207", extension="1207")))
    intake = Intake(by_webhook=("call-1205",))

    done = await _poll(zoom_api, intake, store, clock, registry).poll_once()

    assert done.missed_by_webhooks == 1
    assert _metric(registry, "connector_call_poll_rows_total", result="duplicate") == 1


async def test_a_429_with_retry_after_waits_as_zoom_asks_and_the_listing_goes_on(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    per_second = "You have reached the maximum per-second rate limit for this API."
    zoom.answer(zoom_error(429, 429, per_second, **{"Retry-After": "3"}),
                _page(_row("call-1205")))
    intake = Intake()

    done = await _poll(zoom_api, intake, store, clock, registry).poll_once()

    assert done.outcome == "done"
    assert list(intake.seen) == ["call-1205"]
    assert zoom.arrivals[1] - zoom.arrivals[0] >= timedelta(seconds=3)


async def test_zooms_daily_limit_holds_the_listing_until_the_next_utc_day(
    router: respx.MockRouter, registry: CollectorRegistry,
) -> None:
    clock = FakeClock(LATE_EVENING)
    zoom = Zoom(router, clock)
    zoom.answer(zoom_error(429, 429, DAILY, **{"X-RateLimit-Type": "Daily-limit"}),
                _page(_row("call-1205", ended=LATE_EVENING - timedelta(minutes=20))))
    intake = Intake()

    with Store(":memory:", clock=clock) as store:
        async with zoom_client(router, clock) as client:
            done = await _poll(ZoomApi(client), intake, store, clock, registry).poll_once()

    assert done.outcome == "done"
    assert zoom.arrivals[1] >= NEXT_MIDNIGHT
    assert list(intake.seen) == ["call-1205"]


async def test_when_zoom_is_down_the_watermark_stays_and_the_window_is_listed_again(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    poll = _poll(zoom_api, Intake(), store, clock, registry)
    await poll.poll_once()
    watermark = poll.watermark
    clock.advance(1800)
    zoom.answer(*[zoom_error(503, 503, "Service Unavailable")] * 4)

    failed = await poll.poll_once()
    zoom.answer(_page(_row("call-1205")))
    again = await poll.poll_once()

    assert failed.outcome == "failed"
    assert failed.watermark == watermark
    assert _metric(registry, "connector_call_poll_runs_total", outcome="failed") == 1
    assert again.outcome == "done"
    assert watermark is not None
    assert zoom.query(5)["from"] == [_zoom(watermark - OVERLAP)]


async def test_an_expired_page_token_lists_the_window_again_from_its_first_page(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    zoom.answer(
        _page(_row("call-1205"), token="Nx3kQ"),
        zoom_error(400, 300, "The next page token is invalid or expired."),
        _page(_row("call-1205"), token="Pq7rS"),
        _page(_row("call-1207", extension="1207")),
    )
    intake = Intake()

    done = await _poll(zoom_api, intake, store, clock, registry).poll_once()

    assert done.outcome == "done"
    assert "next_page_token" not in zoom.query(2)
    assert set(intake.seen) == {"call-1205", "call-1207"}
    assert done.results == {"new": 2, "duplicate": 1}
    assert _metric(registry, "connector_call_poll_listing_restarts_total") == 1


async def test_a_row_that_cannot_be_read_is_left_out_without_the_guests_name(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry, caplog: pytest.LogCaptureFixture,
) -> None:
    broken = _row("call-1207", extension="1207")
    del broken["start_time"]
    zoom.answer(_page(_row("call-1205"), broken))
    intake = Intake()

    with caplog.at_level(logging.WARNING, "connector.billing.poll"):
        done = await _poll(zoom_api, intake, store, clock, registry).poll_once()

    assert list(intake.seen) == ["call-1205"]
    assert done.results == {"new": 1, "invalid": 1}
    assert "call-1207" in caplog.text
    assert GUEST_NAME not in caplog.text


async def test_when_its_share_is_spent_the_poll_waits_for_the_next_utc_day_and_says_so(
    router: respx.MockRouter, registry: CollectorRegistry, caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock(LATE_EVENING)
    zoom = Zoom(router, clock)
    stop = asyncio.Event()
    waiting: list[float] = []

    def last_page(_request: httpx.Request) -> httpx.Response:
        waiting.append(_metric(registry, "connector_call_poll_waiting_for_budget"))
        stop.set()
        return _page()

    # 0.0002 of Pro's 15,000: three Heavy calls a day.
    zoom.answer(_page(token="a"), _page(token="b"), _page(token="c"), last_page)

    with Store(":memory:", clock=clock) as store, caplog.at_level(logging.WARNING):
        async with zoom_client(router, clock) as client:
            poll = _poll(ZoomApi(client), Intake(), store, clock, registry, share=0.0002)
            await asyncio.wait_for(poll.run(stop), 5)
        used_today = store.meta(HEAVY_USED_KEY)

    assert zoom.arrivals[2] < NEXT_MIDNIGHT <= zoom.arrivals[3]
    assert waiting == [0.0]  # set while waiting, cleared once the new day began
    assert "spent its 3 Heavy calls for today" in caplog.text
    assert used_today == "2026-12-08 1"


async def test_after_finding_calls_the_webhooks_missed_the_poll_looks_again_sooner(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    stop = asyncio.Event()
    zoom.answer(_page(_row("call-1205")), _page(), lambda _r: (stop.set(), _page())[1])

    await asyncio.wait_for(_poll(zoom_api, Intake(), store, clock, registry).run(stop), 5)

    assert zoom.arrivals[1] - zoom.arrivals[0] == RECHECK
    assert zoom.arrivals[2] - zoom.arrivals[1] == timedelta(minutes=30)


async def test_the_watermarks_age_is_a_metric_an_alert_can_watch(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    poll = _poll(zoom_api, Intake(), store, clock, registry)
    await poll.poll_once()
    clock.advance(3600)

    age = _metric(registry, "connector_call_poll_watermark_age_seconds")

    assert age == (SETTLE + timedelta(hours=1)).total_seconds()
    assert _metric(registry, "connector_call_poll_heavy_share_per_day") == 300


async def test_without_the_call_history_scope_the_poll_does_not_start(
    clock: FakeClock, store: Store, registry: CollectorRegistry,
) -> None:
    router = new_router()
    issue_tokens(router, scopes=ALL_SCOPES - {"phone:read:list_call_logs:admin"})
    async with zoom_client(router, clock, zoom=zoom_settings()) as client:
        await client.start()
        started = start_call_history_poll(
            ZoomApi(client), Intake(), store, settings=BillingSettings(), plan=Plan.PRO,
            clock=clock, stop=asyncio.Event(), registry=registry)

    assert started is None


async def test_with_the_scope_the_poll_runs_as_a_task_until_stopped(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    await zoom_api.client.start()
    stop = asyncio.Event()
    zoom.answer(lambda _r: (stop.set(), _page(_row("call-1205")))[1])
    intake = Intake()

    started = start_call_history_poll(
        zoom_api, intake, store, settings=BillingSettings(), plan=Plan.PRO, clock=clock,
        stop=stop, registry=registry)
    assert started is not None
    poll, task = started
    await asyncio.wait_for(task, 5)

    assert list(intake.seen) == ["call-1205"]
    assert poll.watermark == EVENING - SETTLE


def _zoom(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_an_intake_that_fails_does_not_stop_the_poll_and_loses_no_call(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    class BrokenOnce(Intake):
        def take(self, call: ZoomCall, source: CallSource) -> str:
            if not self.handed:
                self.handed.append(("broken", source))
                raise RuntimeError("database is locked")
            return super().take(call, source)

    stop = asyncio.Event()
    zoom.answer(_page(_row("call-1205")), lambda _r: (stop.set(), _page(_row("call-1205")))[1])
    intake = BrokenOnce()

    await asyncio.wait_for(_poll(zoom_api, intake, store, clock, registry).run(stop), 5)

    assert list(intake.seen) == ["call-1205"]
    assert zoom.query(1)["from"] <= zoom.query(0)["from"]
    assert _metric(registry, "connector_call_poll_runs_total", outcome="failed") == 1


async def test_one_lost_webhook_among_many_is_repaired_without_polling_sooner(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    stop = asyncio.Event()
    rows = [_row(f"call-{n}") for n in range(50)]
    zoom.answer(_page(*rows), lambda _r: (stop.set(), _page())[1])
    intake = Intake(by_webhook=tuple(f"call-{n}" for n in range(1, 50)))

    await asyncio.wait_for(_poll(zoom_api, intake, store, clock, registry).run(stop), 5)

    assert intake.handed[0] == ("call-0", "poll")
    assert zoom.arrivals[1] - zoom.arrivals[0] == timedelta(minutes=30)


async def test_a_busy_hotel_is_listed_as_soon_as_a_page_is_nearly_full(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    stop = asyncio.Event()
    ids = [f"call-{n}" for n in range(1200)]  # two hours at ten calls a minute
    pages = [ids[n:n + 300] for n in range(0, 1200, 300)]
    zoom.answer(*[_page(*[_row(i) for i in page], token="" if n == 3 else f"p{n}")
                  for n, page in enumerate(pages)],
                lambda _r: (stop.set(), _page())[1])
    poll = _poll(zoom_api, Intake(by_webhook=tuple(ids)), store, clock, registry)

    await asyncio.wait_for(poll.run(stop), 5)

    waited = zoom.arrivals[4] - zoom.arrivals[3]
    assert waited < timedelta(minutes=30)
    assert 0.85 * 300 < 10 * ((waited + OVERLAP) / timedelta(minutes=1)) < 300


class PatientClock(FakeClock):
    """Its sleeps last until cancelled: only a nudge can wake the poll."""

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.Event().wait()


async def test_a_nudge_lists_at_once_instead_of_at_the_next_interval(
    router: respx.MockRouter, store: Store, registry: CollectorRegistry,
) -> None:
    clock = PatientClock(EVENING)
    zoom = Zoom(router, clock)
    stop = asyncio.Event()
    async with zoom_client(router, clock) as client:
        poll = _poll(ZoomApi(client), Intake(), store, clock, registry)
        running = asyncio.create_task(poll.run(stop))
        await until(lambda: bool(clock.sleeps))
        clock.advance(120)

        poll.nudge()
        await until(lambda: len(zoom.requests) == 2)
        stop.set()
        await asyncio.wait_for(running, 5)

    assert clock.sleeps[0] == 30 * 60
    assert zoom.arrivals[1] - zoom.arrivals[0] == timedelta(minutes=2)


async def test_an_unreadable_watermark_starts_the_poll_afresh_rather_than_never(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    store.set_meta(WATERMARK_KEY, "last Tuesday")

    done = await _poll(zoom_api, Intake(), store, clock, registry).poll_once()

    assert done.outcome == "done"
    assert zoom.query(0)["from"] == ["2026-12-07T17:50:00Z"]


async def test_after_a_night_down_the_catch_up_is_listed_in_chunks_each_kept(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    down_since = EVENING - timedelta(hours=20)
    store.set_meta(WATERMARK_KEY, down_since.isoformat())
    # 0.0002 of Pro's 15,000: three Heavy calls today, one chunk short of the four needed.
    poll = _poll(zoom_api, Intake(), store, clock, registry, share=0.0002)

    short = await poll.poll_once()

    assert short.outcome == "budget"
    assert short.windows == 3
    assert poll.watermark == down_since - 3 * OVERLAP + 3 * CHUNK
    assert [zoom.query(n)["from"] for n in range(3)] == [
        [_zoom(down_since - OVERLAP)],
        [_zoom(down_since - 2 * OVERLAP + CHUNK)],
        [_zoom(down_since - 3 * OVERLAP + 2 * CHUNK)]]


async def test_a_page_token_that_keeps_expiring_fails_the_listing_for_later(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    expired = zoom_error(400, 300, "The next page token is invalid or expired.")
    zoom.answer(*[_page(_row("call-1205"), token="Nx3kQ"), expired] * 4)

    done = await _poll(zoom_api, Intake(), store, clock, registry).poll_once()

    assert done.outcome == "failed"
    assert len(zoom.requests) == 8
    assert _metric(registry, "connector_call_poll_listing_restarts_total") == 3


async def test_time_spent_listing_is_left_for_the_next_poll_not_listed_at_once(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    store.set_meta(WATERMARK_KEY, (EVENING - SETTLE - timedelta(minutes=30)).isoformat())

    def slow_page(request: httpx.Request) -> httpx.Response:
        clock.advance(2)  # Zoom takes two seconds over the page (a Heavy listing)
        return _page(_row("call-1205", ended=EVENING - SETTLE - timedelta(minutes=5)))

    zoom.answer(slow_page, slow_page)

    done = await _poll(zoom_api, Intake(), store, clock, registry).poll_once()

    # One Heavy call: the two seconds that passed meanwhile wait for the next poll, instead
    # of a second listing of them (and a third of the seconds that one took, ...).
    assert (done.windows, done.pages, len(zoom.requests)) == (1, 1, 1)
    assert poll_watermark(store) == EVENING - SETTLE


def poll_watermark(store: Store) -> datetime:
    text = store.meta(WATERMARK_KEY)
    assert text is not None
    return datetime.fromisoformat(text)


async def test_a_slow_listing_does_not_lengthen_the_time_between_listings(
    zoom: Zoom, zoom_api: ZoomApi, store: Store, clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    stop = asyncio.Event()

    def slow_page(request: httpx.Request) -> httpx.Response:
        clock.advance(3 * 60)  # Zoom's Heavy pages and a 429's wait took three minutes
        return _page()

    zoom.answer(slow_page, lambda _r: (stop.set(), _page())[1])

    await asyncio.wait_for(_poll(zoom_api, Intake(), store, clock, registry).run(stop), 5)

    # Every 30 minutes from one listing's start to the next, so each window holds the
    # 30 minutes of calls its pages were planned for, not 33.
    assert zoom.arrivals[1] - zoom.arrivals[0] == timedelta(minutes=30)
    assert zoom.query(1)["to"] == [_zoom(EVENING - SETTLE + timedelta(minutes=30))]
