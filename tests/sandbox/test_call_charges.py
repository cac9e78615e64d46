"""Zoom's carrier charges (`GET /phone/reports/call_charges`, Heavy) for the calls the room
phones placed, so a tariff that marks up Zoom's charge has one to mark up."""

from __future__ import annotations

from connector.sandbox import Sandbox
from connector.sandbox.calls import RECORD_DELAY_SECONDS, CallOrder
from tests.sandbox.sandbox_support import Zoom

ROOM_101 = 2101


async def test_a_call_to_london_is_charged_by_every_started_minute(
    sandbox: Sandbox, zoom: Zoom,
) -> None:
    london = sandbox.place_call(CallOrder(ROOM_101, "+442079460018", talk_seconds=185))
    sandbox.advance(RECORD_DELAY_SECONDS)

    answer = await zoom.get("/phone/reports/call_charges", call_ids=london.call_id)

    (row,) = answer.json()["call_charges"]
    assert (row["call_id"], row["caller_number"], row["callee_number"]) == (
        london.call_id, "2101", "+442079460018")
    assert (row["call_type"], row["duration"], row["charge_mode"]) == (
        "international", 4, "per_min")
    assert (row["rate"], row["total_charge"], row["currency"]) == ("0.0290", "0.1160", "USD")
    assert answer.headers["X-RateLimit-Category"] == "Heavy"


async def test_free_and_unanswered_calls(sandbox: Sandbox, zoom: Zoom) -> None:
    toll_free = sandbox.place_call(CallOrder(ROOM_101, "+18005550100", talk_seconds=600))
    emergency = sandbox.place_call(CallOrder(ROOM_101, "911", talk_seconds=60))
    unanswered = sandbox.place_call(CallOrder(ROOM_101, "+12125550143", result="busy"))
    local = sandbox.place_call(CallOrder(ROOM_101, "+12125550143", talk_seconds=60))
    sandbox.advance(RECORD_DELAY_SECONDS)

    every = (await zoom.get("/phone/reports/call_charges", page_size=300)).json()
    charged = (await zoom.get("/phone/reports/call_charges", page_size=300,
                              show_charges_only="true")).json()

    rows = {r["call_id"]: r for r in every["call_charges"]}
    assert unanswered.call_id not in rows
    assert rows[toll_free.call_id]["total_charge"] == "0.0000"
    assert rows[toll_free.call_id]["callee_billing_number_type"] == "toll_free"
    assert rows[emergency.call_id]["total_charge"] == "0.0000"
    assert rows[local.call_id]["total_charge"] == "0.0205"
    assert local.call_id in {r["call_id"] for r in charged["call_charges"]}
    assert toll_free.call_id not in {r["call_id"] for r in charged["call_charges"]}
