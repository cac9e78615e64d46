"""Room attendants key the room's status on the room phone, over real SIP (sipp as the
room phone, Kamailio as Zoom): the FIAS PMS receives RS 1-6, vacant or occupied from the
connector's own room state, whether the keys come as RFC 4733 events or as SIP INFO."""

from __future__ import annotations

import asyncio

import pytest

from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING, far_end_hung_up
from tests.sip.peers.sipp import Sipp

# Each status from a vacant room (odd) and an occupied one (even).
KEYED = {"101": "1", "102": "1", "103": "2", "104": "2", "105": "3", "106": "3"}
OCCUPIED = ("102", "104", "106")


@pytest.mark.parametrize("scenario", ["caller_digits", "caller_info_digits"])
async def test_each_status_from_a_vacant_and_an_occupied_room_reaches_the_pms_as_rs_1_to_6(
        fias_hotel: FiasHotel, sipp: Sipp, scenario: str) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms
    phones.check_in(*OCCUPIED)

    callers = [phones.call(sipp, room, HOUSEKEEPING, key, scenario=scenario)
               for room, key in KEYED.items()]
    outcomes = await asyncio.gather(*(caller.wait_async(30) for caller in callers))
    await until(lambda: len(pms.received_of("RE")) == len(KEYED))

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    assert all(far_end_hung_up(caller) for caller in callers)
    assert sorted(str(record) for record in pms.received_of("RE")) == [
        "RE|RN101|RS1|", "RE|RN102|RS2|", "RE|RN103|RS3|",
        "RE|RN104|RS4|", "RE|RN105|RS5|", "RE|RN106|RS6|"]
    kept = {room: phones.room(room).housekeeping for room in KEYED}
    assert {room: (h.status, h.maid_status, h.source) for room, h in kept.items() if h} == {
        "101": ("dirty", 1, "phone"), "102": ("dirty", 2, "phone"),
        "103": ("clean", 3, "phone"), "104": ("clean", 4, "phone"),
        "105": ("inspected", 5, "phone"), "106": ("inspected", 6, "phone")}
    assert phones.metric("connector_ivr_calls_total", service="housekeeping",
                         outcome="recorded") == len(KEYED)
