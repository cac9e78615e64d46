"""Which room is calling, over real SIP: P-Asserted-Identity first, then the From user, each
exactly a room's extension. A caller that is no guest room hears why and is hung up on."""

from __future__ import annotations

import asyncio

from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING, far_end_hung_up
from tests.sip.peers.sipp import Sipp


async def test_the_room_is_the_p_asserted_identity_else_the_from_user(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms

    callers = [
        # Forwarded by Zoom: From is the forwarding number, PAI the room's phone.
        phones.call(sipp, "107", HOUSEKEEPING, "1", caller="5551", pai="2107"),
        phones.call(sipp, "108", HOUSEKEEPING, "2"),  # no PAI: the From user
        # A PAI that is no room's extension (an outside number): the From user.
        phones.call(sipp, "109", HOUSEKEEPING, "3", pai="+15557770007"),
    ]
    outcomes = await asyncio.gather(*(caller.wait_async(30) for caller in callers))
    await until(lambda: len(pms.received_of("RE")) == 3)

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    assert sorted(str(record) for record in pms.received_of("RE")) == [
        "RE|RN107|RS1|", "RE|RN108|RS3|", "RE|RN109|RS5|"]


async def test_a_caller_that_is_no_guest_room_hears_why_and_is_hung_up_on_and_nothing_is_reported(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones = fias_hotel.phones

    # Its number ends with room 101's extension, which is not enough; the key changes nothing.
    caller = phones.call(sipp, "101", HOUSEKEEPING, "2", caller="5550", pai="+15557772101")
    outcome = await caller.wait_async(30)
    await until(lambda: phones.metric("connector_ivr_unknown_callers_total") == 1)

    assert outcome.ok, outcome
    assert far_end_hung_up(caller)
    assert phones.voice.said == [["not_a_guest_room"]]
    assert phones.metric("connector_ivr_calls_total", service="housekeeping",
                         outcome="unknown_caller") == 1
    assert phones.reports() == []
    assert phones.store.room("101") is None
