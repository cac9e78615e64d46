"""Many rooms calling housekeeping at once on one line, over real SIP: every status is kept
and reaches the FIAS PMS once."""

from __future__ import annotations

import asyncio

from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING
from tests.sip.peers.sipp import Sipp

ROOMS = [str(room) for room in range(116, 126)]
CODES = "123"
MAID_STATUS = {("1", False): 1, ("1", True): 2, ("2", False): 3, ("2", True): 4,
               ("3", False): 5, ("3", True): 6}


async def test_ten_rooms_calling_at_once_are_each_recorded_and_reported_once(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms
    occupied = ROOMS[::2]
    phones.check_in(*occupied)
    keyed = {room: CODES[n % len(CODES)] for n, room in enumerate(ROOMS)}

    callers = [phones.call(sipp, room, HOUSEKEEPING, key, pai=f"2{room}")
               for room, key in keyed.items()]
    outcomes = await asyncio.gather(*(caller.wait_async(40) for caller in callers))
    await until(lambda: len(pms.received_of("RE")) >= len(ROOMS))

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    expected = sorted(f"RE|RN{room}|RS{MAID_STATUS[key, room in occupied]}|"
                      for room, key in keyed.items())
    assert sorted(str(record) for record in pms.received_of("RE")) == expected
    assert {room: phones.maid_status(room) for room in ROOMS} == {
        room: MAID_STATUS[key, room in occupied] for room, key in keyed.items()}
    assert len(phones.reports()) == len(ROOMS)
    assert phones.metric("connector_ivr_calls_total", service="housekeeping",
                         outcome="recorded") == len(ROOMS)
