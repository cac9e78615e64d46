"""A tariff class that marks up Zoom's carrier charge: the guest's call waits for Zoom's
charge, which is read from Zoom's call charges report (batched, Heavy, spec-checked) and only
then rated and posted; a charge that never comes, or comes in another currency, is not
guessed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx

from connector.billing.carrier import WAITING
from connector.billing.charge_reader import ChargeReader
from connector.billing.poll import CallHistoryPoll
from connector.billing.tariff_rater import rate_by
from connector.doctor.calls_check import attention_lines
from connector.settings.model import BillingSettings, Plan
from connector.zoom.api import ZoomApi
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row
from tests.billing.tariffs import tariff
from tests.support.zoom_factories import api, issue_tokens, new_router, zoom_client, zoom_error
from tests.zoom_spec import ZoomSpec

CHARGES = api("/phone/reports/call_charges")
EVENING = ARRIVAL + timedelta(hours=6)
LONDON, PARIS, TOKYO = "+442071838750", "+33142685300", "+81312345678"
# A US hotel: Europe at Zoom's charge + 50% (Paris falls back on its own per-minute price
# when Zoom's charge never comes); Japan at a plain per-minute price.
TARIFF = tariff("""
    currency: USD
    home_region: US
    classes:
      international/FR:
        connection_fee: "0.50"
        per_minute: "0.60"
        carrier_markup_percent: 50
      international/JP:
        per_minute: "1.00"
      international:
        connection_fee: "0.50"
        carrier_markup_percent: 50
""")


class HeavyShare:
    """The billing poll's Heavy share as the reader sees it: `left` calls, then refused."""

    class Spent(Exception):
        pass

    def __init__(self, left: int = 1000) -> None:
        self.left, self.taken = left, 0

    def take(self) -> None:
        if self.left == 0:
            raise HeavyShare.Spent
        self.left -= 1
        self.taken += 1


class Report:
    """Zoom's call charges report as a test scripts it; every request and answer is held
    against Zoom's published spec."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.charges: dict[str, tuple[str, str]] = {}  # call id -> (total, currency)
        self.requests: list[httpx.Request] = []
        self._spec = ZoomSpec.load()
        router.get(CHARGES).mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = request.url.params
        query = {name: params.get(name) or "" for name in params}
        self._spec.validate_request("GET", request.url.path, query)
        wanted = params["call_ids"].split(",")
        rows = [_row(call_id, *self.charges[call_id]) for call_id in wanted
                if call_id in self.charges]
        body = {"call_charges": rows, "page_size": 300, "total_records": len(rows),
                "next_page_token": "", "from": params["from"][:10], "to": params["to"][:10]}
        self._spec.validate_response("GET", request.url.path, 200, body)
        return httpx.Response(200, json=body)

    def asked_for(self, index: int) -> list[str]:
        return self.requests[index].url.params["call_ids"].split(",")


def _row(call_id: str, total: str, currency: str) -> dict[str, Any]:
    return {"charge_id": f"20261207-{call_id}", "call_id": call_id, "direction": "outbound",
            "caller_number": "2101", "callee_number": LONDON, "call_type": "international",
            "service_type": "call", "start_time": "2026-12-07T20:00:00Z",
            "end_time": "2026-12-07T20:03:05Z", "duration": 4, "charge_mode": "per_min",
            "rate": "0.0290", "currency": currency, "total_charge": total}


@pytest.fixture
def desk() -> Iterator[FrontDesk]:
    desk = FrontDesk(rate=rate_by(TARIFF))
    desk.clock.set_now(EVENING)
    for room, reservation in (("101", "R1"), ("102", "R2")):
        desk.check_in(room, reservation, ARRIVAL)
    yield desk
    desk.store.close()


@pytest.fixture
def router() -> respx.MockRouter:
    router = new_router()
    issue_tokens(router)
    return router


@pytest.fixture
async def zoom(router: respx.MockRouter, desk: FrontDesk) -> AsyncIterator[ZoomApi]:
    async with zoom_client(router, desk.clock) as client:
        yield ZoomApi(client)


@pytest.fixture
def reader(zoom: ZoomApi, desk: FrontDesk) -> ChargeReader:
    return ChargeReader(zoom, desk.store, desk.pipeline, clock=desk.clock,
                        wait=timedelta(hours=6))


@pytest.fixture
def report(router: respx.MockRouter) -> Report:
    return Report(router)


def _guest_calls(desk: FrontDesk, dialled: str, *, minutes_ago: int = 15,
                 talk: int = 185) -> dict[str, Any]:
    row = call_row("2101", desk.clock.now() - timedelta(minutes=minutes_ago), talk=talk,
                   dialled=dialled)
    desk.zoom_tells(row)
    return row


async def test_a_call_abroad_waits_for_zoom_charge_then_is_posted_marked_up(
    desk: FrontDesk, reader: ChargeReader, report: Report,
) -> None:
    london = _guest_calls(desk, LONDON)
    held = desk.call(london)
    assert held.state == "waiting_charge" and (held.reason or "").startswith(WAITING)
    assert desk.postings() == []
    assert desk.counted("waiting_charge") == 1

    report.charges[london["call_id"]] = ("0.0870", "USD")
    share = HeavyShare()
    done = await reader.read(share.take)

    posted = desk.call(london)
    assert posted.state == "posted"
    assert posted.rating is not None
    # 0.50 + 0.087 x 1.5 = 0.6305, rounded up to 0.64
    assert (posted.rating.class_name, posted.rating.amount_minor) == ("international", 64)
    assert desk.postings()[0].startswith("PS|RN101|PTC|TA64|DD442071838750|DU000305|")
    assert (done.listings, done.pages, share.taken) == (1, 1, 1)
    assert report.asked_for(0) == [london["call_id"]]


async def test_calls_are_asked_for_a_hundred_at_a_time_each_a_heavy_call(
    desk: FrontDesk, reader: ChargeReader, report: Report,
) -> None:
    calls = [_guest_calls(desk, LONDON, minutes_ago=200 - n) for n in range(150)]
    for row in calls:
        report.charges[row["call_id"]] = ("0.0290", "USD")
    tokyo = _guest_calls(desk, TOKYO)  # priced per minute: never asked about
    share = HeavyShare()

    done = await reader.read(share.take)

    assert [len(report.asked_for(i)) for i in range(len(report.requests))] == [100, 50]
    assert share.taken == done.pages == 2
    assert {desk.call(row).state for row in calls} == {"posted"}
    assert tokyo["call_id"] not in report.asked_for(0) + report.asked_for(1)
    assert desk.call(tokyo).state == "posted"
    # The report covers the waiting calls' start times, in Zoom's UTC form.
    first = report.requests[0].url.params
    assert first["from"] <= calls[0]["start_time"] and first["to"] > calls[99]["start_time"]


async def test_no_share_left_no_listing_and_the_calls_keep_waiting(
    desk: FrontDesk, reader: ChargeReader, report: Report,
) -> None:
    london = _guest_calls(desk, LONDON)
    report.charges[london["call_id"]] = ("0.0870", "USD")

    with pytest.raises(HeavyShare.Spent):
        await reader.read(HeavyShare(left=0).take)

    assert report.requests == []
    assert desk.call(london).state == "waiting_charge"


async def test_a_charge_in_another_currency_is_held_not_converted(
    desk: FrontDesk, reader: ChargeReader, report: Report,
) -> None:
    london = _guest_calls(desk, LONDON)
    report.charges[london["call_id"]] = ("0.0800", "EUR")

    await reader.read(HeavyShare().take)

    held = desk.call(london)
    assert held.state == "no_rate"
    assert held.reason is not None and held.reason.startswith(
        "Zoom charged this call in EUR, the tariff is in USD, and currencies are not converted")
    assert desk.postings() == []


async def test_a_charge_that_never_comes_is_waited_for_then_not_guessed(
    desk: FrontDesk, reader: ChargeReader, report: Report,
) -> None:
    london = _guest_calls(desk, LONDON)
    paris = _guest_calls(desk, PARIS)

    await reader.read(HeavyShare().take)
    assert [desk.call(row).state for row in (london, paris)] == ["waiting_charge"] * 2
    assert all((desk.call(row).reason or "").startswith(WAITING) for row in (london, paris))

    desk.clock.advance(6 * 3600)
    await reader.read(HeavyShare().take)

    # Paris has a per-minute price of its own: 0.50 + 4 started minutes x 0.60.
    assert desk.call(paris).state == "posted"
    assert desk.call(paris).rating.amount_minor == 290  # type: ignore[union-attr]
    held = desk.call(london)
    assert held.state == "no_rate"
    assert held.reason == (
        "Zoom's call charges report did not list the call within 6 h of its end, and class "
        "'international' has no per_minute price to fall back on: give it one, or post the "
        "call by hand")
    assert len(desk.postings()) == 1


async def test_the_doctor_tells_waiting_calls_from_calls_without_a_class(
    desk: FrontDesk,
) -> None:
    _guest_calls(desk, LONDON)
    _guest_calls(desk, "+12125550143")  # New York, from a US hotel: no `national` class

    counts = desk.store.count_open_calls()
    lines = attention_lines(counts, [r.reason or "" for r in desk.store.calls(
        states=["no_rate"])])

    assert (counts["waiting_charge"], counts["no_rate"]) == (1, 1)
    assert lines[0].startswith("1 call(s) held with no rate")
    assert "add the class `national`" in lines[1]
    assert lines[2].startswith("1 call(s) waiting for Zoom's carrier charge")


async def test_a_report_zoom_refuses_leaves_the_calls_waiting_and_the_poll_done(
    desk: FrontDesk, router: respx.MockRouter, zoom: ZoomApi, reader: ChargeReader,
) -> None:
    london = _guest_calls(desk, LONDON)
    router.get(api("/phone/call_history")).mock(return_value=httpx.Response(200, json={
        "call_history": [], "next_page_token": "", "page_size": 300, "total_records": 0}))
    router.get(CHARGES).mock(return_value=zoom_error(
        400, 300, "The account is not enrolled in a plan with call charges reports."))
    poll = CallHistoryPoll(zoom, desk.intake, desk.store,
                           settings=BillingSettings(), plan=Plan.PRO, clock=desk.clock,
                           charges=reader)

    done = await poll.poll_once()

    assert done.outcome == "done"
    assert desk.call(london).state == "waiting_charge"
