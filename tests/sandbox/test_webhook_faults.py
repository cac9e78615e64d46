"""Zoom's webhooks going wrong on purpose: a call's event lost (never sent, never retried),
sent late, sent twice, or after the next call's; by count or at a seeded rate, so the
connector's poll and idempotent intake can be tried against each."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from connector.sandbox import Sandbox
from connector.sandbox.calls import CallOrder
from connector.sandbox.webhook_faults import WebhookFaultKind, WebhookFaults
from connector.sandbox.webhooks import DeliveryState
from tests.sandbox.sandbox_support import Zoom
from tests.sandbox.test_webhooks import SECRET_TOKEN, URL, Hotel

ROOM_101, ROOM_102 = 2101, 2102
LONDON, PARIS = "+442079460018", "+33142685300"
CALL_EVENT = "phone.caller_call_history_completed"


@pytest.fixture
async def hotel(sandbox: Sandbox) -> AsyncIterator[Hotel]:
    endpoint = Hotel(sandbox)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=endpoint)) as http, \
            sandbox.webhooks.sending(http):
        await sandbox.webhooks.subscribe(URL, SECRET_TOKEN)
        yield endpoint


def _heard(hotel: Hotel) -> list[str]:
    """The call ids of the call events the hotel received, in the order they came."""
    return [json.loads(body)["payload"]["object"]["call_logs"][0]["call_id"]
            for body, _, _ in hotel.received if json.loads(body)["event"] == CALL_EVENT]


async def test_a_lost_webhook_never_arrives_and_is_not_retried_but_the_call_is_listed(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    sandbox.webhooks.faults.lose(event=CALL_EVENT)
    lost = sandbox.place_call(CallOrder(ROOM_101, LONDON))
    kept = sandbox.place_call(CallOrder(ROOM_102, PARIS))
    await sandbox.webhooks.settled()
    sandbox.advance(2 * 3600)  # past every retry Zoom would have made

    assert _heard(hotel) == [kept.call_id]
    delivery = sandbox.webhooks.deliveries[0]
    assert (delivery.state, delivery.attempts, delivery.fault) == (
        DeliveryState.LOST, [], "lost")
    listed = await zoom.list_all("/phone/call_history", "call_history", page_size=300,
                                 directions="outbound")
    assert lost.call_id in {r["call_id"] for r in listed}  # what the poll repairs


async def test_a_webhook_sent_twice_arrives_as_two_identical_deliveries(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.webhooks.faults.twice()
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON))
    await sandbox.webhooks.settled()

    bodies = [body for body, _, _ in hotel.received if json.loads(body)["event"] == CALL_EVENT]
    assert _heard(hotel) == [call.call_id, call.call_id]
    assert bodies[0] == bodies[1]
    assert [d.state for d in sandbox.webhooks.deliveries] == [DeliveryState.DELIVERED] * 2


async def test_a_webhook_out_of_order_arrives_after_the_next_calls(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.webhooks.faults.reorder()
    first = sandbox.place_call(CallOrder(ROOM_101, LONDON))
    sandbox.advance(30)
    second = sandbox.place_call(CallOrder(ROOM_102, PARIS))
    await sandbox.webhooks.settled()

    assert _heard(hotel) == [second.call_id, first.call_id]
    assert sandbox.webhooks.deliveries[0].fault == "out of order"


async def test_a_webhook_held_out_of_order_with_no_call_after_it_still_goes(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.webhooks.faults.reorder()
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON))
    await sandbox.webhooks.settled()

    assert _heard(hotel) == [call.call_id]


async def test_a_delayed_webhook_arrives_that_much_later(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.webhooks.faults.delay(600)
    call = sandbox.place_call(CallOrder(ROOM_101, LONDON))
    await sandbox.webhooks.settled()

    ((_, _, at),) = [r for r in hotel.received if json.loads(r[0])["event"] == CALL_EVENT]
    assert call.recorded_at is not None
    assert at == call.recorded_at + timedelta(seconds=600)


async def test_faults_on_call_events_leave_presence_events_alone(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    sandbox.webhooks.faults.lose(count=None, event=CALL_EVENT)
    sandbox.press_dnd(ROOM_101)
    sandbox.place_call(CallOrder(ROOM_101, LONDON))
    await sandbox.webhooks.settled()

    assert len(hotel.events("user.presence_status_updated")) == 1
    assert _heard(hotel) == []


async def test_losing_two_percent_is_seeded_and_repeats(sandbox: Sandbox, hotel: Hotel) -> None:
    def lost_calls() -> list[int]:
        sandbox.webhooks.faults.clear()
        sandbox.webhooks.faults.seed(11)
        sandbox.webhooks.faults.lose(rate=0.02, count=None, event=CALL_EVENT)
        first = len(sandbox.webhooks.deliveries)
        calls = sandbox.place_day_of_calls(1000, hours=10, seed=5)
        deliveries = sandbox.webhooks.deliveries[first:]
        assert len(deliveries) == len(calls)
        return [i for i, delivery in enumerate(deliveries)
                if delivery.state is DeliveryState.LOST]

    once = lost_calls()
    assert 8 <= len(once) <= 35
    assert lost_calls() == once  # the same calls of the same day


def test_faults_are_used_up_by_count() -> None:
    faults = WebhookFaults()
    faults.lose(count=2, event=CALL_EVENT)
    faults.delay(30, count=None)

    effects = [faults.take(CALL_EVENT) for _ in range(3)]
    assert [e.lost for e in effects] == [True, True, False]
    assert effects[2].delay == 30 and effects[2].label == "delayed 30 s"
    assert [f.kind for f in faults.armed] == [WebhookFaultKind.DELAY]
    with pytest.raises(ValueError, match="between 0 and 1"):
        faults.lose(rate=1.5)


async def test_the_admin_api_arms_lists_and_clears_webhook_faults(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    armed = await zoom.admin("POST", "/webhooks/faults", {
        "kind": "lose", "rate": 0.02, "event": CALL_EVENT, "seed": 3})
    await zoom.admin("POST", "/webhooks/faults", {"kind": "twice", "count": 2})
    listed = (await zoom.admin("GET", "/webhooks/faults")).json()
    bad = await zoom.admin("POST", "/webhooks/faults", {"kind": "delay"})
    cleared = await zoom.admin("DELETE", "/webhooks/faults")

    assert armed.json()["faults"] == [{"kind": "lose", "remaining": None, "seconds": 0.0,
                                       "event": CALL_EVENT, "rate": 0.02}]
    assert [f["kind"] for f in listed["faults"]] == ["lose", "twice"]
    assert (bad.status_code, bad.json()) == (400, {"error": "a delay needs seconds"})
    assert cleared.json() == {"faults": []}
    sandbox.webhooks.faults.lose()
    sandbox.place_calls([CallOrder(ROOM_101, LONDON), CallOrder(ROOM_102, PARIS)])
    await sandbox.webhooks.settled()
    counts = (await zoom.admin("GET", "/webhooks")).json()["counts"]
    assert counts == {"pending": 0, "delivered": 1, "gave_up": 0, "lost": 1}
