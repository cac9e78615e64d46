"""The room phone's reports reaching a webhook PMS, over real SIP: signed callbacks with the
maid status and the guest's wake-up."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from connector.ivr.wakeup_time import next_occurrence
from tests.fias.conftest import HOTEL
from tests.reporter.conftest import until
from tests.sip.ivr.conftest import WebhookHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING, WAKEUP
from tests.sip.peers.sipp import Sipp


async def test_statuses_and_a_wakeup_keyed_on_room_phones_reach_the_webhook_pms(
        webhook_hotel: WebhookHotel, sipp: Sipp) -> None:
    phones, pms = webhook_hotel.phones, webhook_hotel.pms
    phones.check_in("102", "103")
    ahead = datetime.now(HOTEL) + timedelta(hours=2)
    due = next_occurrence(time(ahead.hour, ahead.minute), datetime.now(HOTEL), HOTEL)

    callers = [
        phones.call(sipp, "101", HOUSEKEEPING, "2"),
        phones.call(sipp, "102", HOUSEKEEPING, "3", scenario="caller_info_digits"),
        phones.call(sipp, "103", WAKEUP, f"1{due:%H%M}1"),
    ]
    outcomes = await asyncio.gather(*(caller.wait_async(30) for caller in callers))
    await until(lambda: len(pms.accepted) == 3)

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    assert pms.bad_signatures == 0
    by_room = {body["room"]: body for body in pms.accepted}
    assert {room: (body["type"], body.get("status"), body.get("status_name"))
            for room, body in by_room.items() if body["type"] == "maid_status"} == {
        "101": ("maid_status", 3, "clean_vacant"), "102": ("maid_status", 6, "inspected_occupied")}
    assert (by_room["103"]["type"], by_room["103"]["at"]) == ("wakeup_set", due.isoformat())
