"""A guest dials out from the room phone: Zoom's call history records the call a few
seconds after hang-up, with Zoom's fields, and the caller's signed
`phone.caller_call_history_completed` reaches the hotel's endpoint; the listing honours what
the connector's reconciliation poll asks for."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connector.billing.call import from_history_row, from_webhook_row
from connector.sandbox import Sandbox
from connector.sandbox.calls import RECORD_DELAY_SECONDS, CallOrder
from tests.sandbox.sandbox_support import SpecChecker, Zoom
from tests.sandbox.test_webhooks import SECRET_TOKEN, URL, Hotel
from tests.zoom_webhook_spec import validate_webhook

ROOM_101 = 2101  # a user
ROOM_130 = 2130  # a common-area phone
LONDON = "+442079460018"
CALL_EVENT = "phone.caller_call_history_completed"


@pytest.fixture
async def hotel(sandbox: Sandbox) -> AsyncIterator[Hotel]:
    """The hotel's endpoint, subscribed to the emulated Zoom app's events."""
    endpoint = Hotel(sandbox)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=endpoint)) as http, \
            sandbox.webhooks.sending(http):
        await sandbox.webhooks.subscribe(URL, SECRET_TOKEN)
        yield endpoint


def _call_rows(hotel: Hotel) -> list[dict[str, object]]:
    return [event["payload"]["object"]["call_logs"][0]  # type: ignore[index]
            for event in hotel.events(CALL_EVENT)]


async def test_a_guests_call_to_london_is_listed_once_zoom_has_recorded_it(
    sandbox: Sandbox, zoom: Zoom,
) -> None:
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON, talk_seconds=185))

    listed = await zoom.get("/phone/call_history", page_size=300, directions="outbound")
    assert call.call_id not in [r["call_id"] for r in listed.json()["call_history"]]

    sandbox.advance(RECORD_DELAY_SECONDS)
    listed = await zoom.get("/phone/call_history", page_size=300, directions="outbound")
    row = next(r for r in listed.json()["call_logs"] if r["call_id"] == call.call_id)
    seen = from_history_row(row)
    assert (seen.caller_extension, seen.caller_extension_type, seen.dialled) == (
        "2101", "user", LONDON)
    assert (seen.talk_seconds, seen.callee_country, seen.connected) == (185, "GB", True)
    assert row["international"] is True
    assert seen.end_time == sandbox.clock.now() - timedelta(seconds=RECORD_DELAY_SECONDS)


async def test_its_webhook_is_zooms_signed_event_and_reads_as_the_listing_does(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    call = sandbox.place_call(CallOrder(ROOM_130, LONDON, talk_seconds=185))
    await sandbox.webhooks.settled()

    ((body, headers, at),) = [r for r in hotel.received
                              if json.loads(r[0])["event"] == CALL_EVENT]
    assert validate_webhook(body) == CALL_EVENT
    # The hotel's endpoint verified the v0 signature with the connector's own code.
    assert headers["x-zm-signature"].startswith("v0=")
    assert at == call.recorded_at
    event = json.loads(body)
    assert event["payload"]["object"]["user_id"] == sandbox.owner(ROOM_130).id
    heard = from_webhook_row(event["payload"]["object"]["call_logs"][0])
    listed = await zoom.get("/phone/call_history", page_size=300,
                            extension_types="common_area")
    row = next(r for r in listed.json()["call_logs"] if r["call_id"] == call.call_id)
    assert heard == from_history_row(row)
    assert heard.caller_extension_type == "common_area"


async def test_an_unanswered_call_and_an_emergency_call_are_recorded_as_zoom_does(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.place_call(CallOrder(ROOM_101, "+12125550143", result="no_answer",
                                 talk_seconds=40))
    sandbox.place_call(CallOrder(ROOM_101, "911", talk_seconds=30))
    await sandbox.webhooks.settled()

    heard = {call.dialled: call for call in map(from_webhook_row, _call_rows(hotel))}
    unanswered, emergency = heard["+12125550143"], heard["911"]
    assert (unanswered.result, unanswered.talk_seconds, unanswered.answer_time) == (
        "no_answer", 0, None)
    assert not unanswered.connected
    assert (emergency.emergency, emergency.dialled, emergency.talk_seconds) == (
        True, "911", 30)
    assert all(validate_webhook(body) for body, _, _ in hotel.received[1:])


async def test_a_call_with_a_start_time_is_recorded_at_that_time(sandbox: Sandbox) -> None:
    start = sandbox.clock.now() - timedelta(hours=3)
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON, talk_seconds=60, ring_seconds=9,
                                        start=start))

    assert (call.start_time, call.answer_time, call.end_time) == (
        start, start + timedelta(seconds=9), start + timedelta(seconds=69))
    assert call.recorded_by(sandbox.clock.now())


# -- what the poll asks for ---------------------------------------------------------------


async def test_the_listing_filters_as_the_poll_asks(sandbox: Sandbox, zoom: Zoom) -> None:
    start = sandbox.clock.now() - timedelta(hours=1)
    outside = sandbox.place_call(CallOrder(ROOM_130, LONDON, start=start))
    emergency = sandbox.place_call(CallOrder(ROOM_101, "911", start=start))
    sandbox.add_call(ROOM_101, "+12125550143", direction="inbound")  # a call to the room

    rows = await zoom.list_all("/phone/call_history", "call_history", page_size=300,
                               directions="outbound", connect_types="external",
                               extension_types=["user", "common_area"])
    ids = {r["call_id"] for r in rows}
    assert {outside.call_id, emergency.call_id} <= ids
    assert {r["direction"] for r in rows} == {"outbound"}
    only = await zoom.list_all("/phone/call_history", "call_history", call_types="emergency")
    assert [r["call_id"] for r in only] == [emergency.call_id]
    internal = await zoom.list_all("/phone/call_history", "call_history",
                                   connect_types="internal")
    assert internal == []
    by_id = await zoom.list_all("/phone/call_history", "call_history",
                                call_ids=[outside.call_id])
    assert [r["call_id"] for r in by_id] == [outside.call_id]


async def test_the_window_is_by_start_or_by_end_time(sandbox: Sandbox, zoom: Zoom) -> None:
    # A long call across midnight: it started on the 1st and ended on the 2nd.
    start = datetime(2026, 3, 1, 23, 50, tzinfo=UTC)
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON, talk_seconds=1200, start=start))

    async def ids(**query: str) -> set[str]:
        rows = await zoom.list_all("/phone/call_history", "call_history", **query)
        return {r["call_id"] for r in rows}

    assert call.call_id in await ids(**{"from": "2026-03-01", "to": "2026-03-01"})
    assert call.call_id not in await ids(**{"from": "2026-03-02", "to": "2026-03-02"})
    assert call.call_id in await ids(**{"from": "2026-03-02", "to": "2026-03-02",
                                        "time_type": "end_time"})


async def test_a_busy_day_pages_by_300_with_tokens_on_the_heavy_limit(
    sandbox: Sandbox, zoom: Zoom, checker: SpecChecker,
) -> None:
    placed = sandbox.place_day_of_calls(700, hours=20)

    first = await zoom.get("/phone/call_history", page_size=300, directions="outbound",
                           connect_types="external")
    rows = await zoom.list_all("/phone/call_history", "call_history", page_size=300,
                               directions="outbound", connect_types="external")

    body = first.json()
    assert (len(body["call_history"]), body["page_size"]) == (300, 300)
    assert body["total_records"] == len(rows)
    assert body["next_page_token"]
    assert first.headers["X-RateLimit-Category"] == "Heavy"
    assert {r.call_id for r in placed} <= {r["call_id"] for r in rows}
    assert len({r["call_id"] for r in rows}) == len(rows)  # no call on two pages
    with checker.off_spec_requests():
        asked_for_more = await zoom.get("/phone/call_history", page_size=1000)
    assert asked_for_more.json()["page_size"] == 300


async def test_a_day_of_calls_is_a_hotels_mix_and_repeats_with_its_seed(
    sandbox: Sandbox,
) -> None:
    calls = sandbox.place_day_of_calls(2000, hours=24, seed=7)
    again = Sandbox(sandbox.config, sandbox.clock).place_day_of_calls(2000, hours=24, seed=7)

    assert [(c.callee_number, c.duration, c.start_time) for c in calls] == [
        (c.callee_number, c.duration, c.start_time) for c in again]
    rooms = {r.extension for r in sandbox.hotel.rooms}
    assert {int(c.caller_number) for c in calls} <= rooms
    international = sum(c.international for c in calls) / len(calls)
    unanswered = sum(c.result != "answered" for c in calls) / len(calls)
    assert 0.2 < international < 0.4 and 0.1 < unanswered < 0.2
    assert any(c.call_type == "emergency" for c in calls)
    assert all(c.recorded_by(sandbox.clock.now()) for c in calls)  # the day is over


async def test_a_call_from_an_extension_nobody_has_places_nothing(
    sandbox: Sandbox,
) -> None:
    before = len(sandbox.account.calls)
    with pytest.raises(KeyError, match="9999"):
        sandbox.place_calls([CallOrder(ROOM_101, LONDON), CallOrder(9999, LONDON)])
    assert len(sandbox.account.calls) == before


# -- the admin API ------------------------------------------------------------------------


async def test_the_admin_api_places_one_call_or_many(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    one = await zoom.admin("POST", "/calls", {
        "extension": ROOM_101, "number": LONDON, "talk_seconds": 185,
        "start": "2026-03-02T08:00:00Z"})
    many = await zoom.admin("POST", "/calls", {"calls": [
        {"extension": ROOM_130, "number": "+33142685300", "result": "busy"},
        {"extension": ROOM_101, "number": "+18005550100", "talk_seconds": 600}]})
    day = await zoom.admin("POST", "/calls/day", {"count": 50, "hours": 2, "seed": 3})
    await sandbox.webhooks.settled()

    assert one.status_code == 201
    assert (one.json()["start_time"], one.json()["end_time"]) == (
        "2026-03-02T08:00:00Z", "2026-03-02T08:03:10Z")
    assert (many.status_code, many.json()["placed"]) == (201, 2)
    assert (day.status_code, day.json()["placed"]) == (201, 50)
    assert len(hotel.events(CALL_EVENT)) == 53
    refused = [await zoom.admin("POST", "/calls", body) for body in (
        {"extension": 9999, "number": LONDON},
        {"extension": ROOM_101},
        {"extension": ROOM_101, "number": LONDON, "result": "great"},
        {"extension": ROOM_101, "number": LONDON, "start": "2026-03-02T08:00:00"})]
    assert [r.status_code for r in refused] == [400] * 4
    assert "time zone" in refused[-1].json()["error"]


async def test_the_webhooks_of_calls_placed_with_no_subscription_are_counted_unsent(
    sandbox: Sandbox,
) -> None:
    sandbox.place_call(CallOrder(ROOM_101, LONDON))

    assert sandbox.webhooks.unsent == 1
    assert sandbox.webhooks.deliveries == []
