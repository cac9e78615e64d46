"""A caller who hangs up before the last key, over real SIP: nothing changes, nothing is
reported, and the call is counted as abandoned."""

from __future__ import annotations

import asyncio

from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING, WAKEUP, far_end_hung_up
from tests.sip.peers.sipp import Sipp


async def test_a_caller_hanging_up_mid_way_changes_nothing_and_reports_nothing(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones = fias_hotel.phones
    phones.check_in("114")

    callers = [
        # The guest presses 1 to set a wake-up, then hangs up while asked for the time.
        phones.call(sipp, "114", WAKEUP, "1", scenario="caller_hangs_up", hangup_after_ms=100),
        # The attendant hangs up during the menu, before keying a status.
        phones.call(sipp, "115", HOUSEKEEPING, "", scenario="caller_hangs_up",
                    hangup_after_ms=1500),
    ]
    outcomes = await asyncio.gather(*(caller.wait_async(30) for caller in callers))
    await until(lambda: sum(
        phones.metric("connector_ivr_calls_total", service=service, outcome="abandoned")
        for service in ("wakeup", "housekeeping")) == 2)

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    assert not any(far_end_hung_up(caller) for caller in callers)
    assert "wakeup_enter_time" in phones.voice.heard  # the guest's 1 was taken
    assert phones.room("114").wakeups == ()
    assert phones.store.room("115") is None
    assert phones.reports() == []
