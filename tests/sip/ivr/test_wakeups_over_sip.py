"""Guests set, hear and cancel their wake-up on the room phone, over real SIP: the wake-up
joins the room's schedule and the FIAS PMS receives WR and WC. Wrong entries are explained
and asked again."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from connector.ivr.spoken import when
from connector.ivr.wakeup_time import next_occurrence
from connector.sandbox.fias_pms import FiasPms
from connector.settings.phone import TimeEntry
from tests.fias.conftest import HOTEL
from tests.reporter.conftest import until
from tests.sip.ivr.conftest import FiasHotel
from tests.sip.ivr.room_phones import HOUSEKEEPING, WAKEUP, far_end_hung_up
from tests.sip.peers.sipp import Sipp


def hours_ahead(hours: int) -> time:
    """A wall-clock time some hours from now in the hotel (whole minutes)."""
    ahead = datetime.now(HOTEL) + timedelta(hours=hours)
    return time(ahead.hour, ahead.minute)


def keyed(at: time) -> str:
    return f"{at:%H%M}"


def fias_wakeup(record_type: str, room: str, at: datetime) -> str:
    return f"{record_type}|RN{room}|DA{at:%y%m%d}|TI{at:%H%M%S}|"


def received(pms: FiasPms, record_type: str) -> list[str]:
    return [str(record) for record in pms.received_of(record_type)]


async def test_a_guest_sets_a_wakeup_then_calls_again_hears_it_and_cancels_it(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms
    phones.check_in("111")
    at = hours_ahead(3)
    due = next_occurrence(at, datetime.now(HOTEL), HOTEL)

    # 1: set; the time; 1: confirm.
    setting = await phones.call(sipp, "111", WAKEUP, f"1{keyed(at)}1").wait_async(30)
    await pms.wait_for("WR")
    scheduled = phones.room("111").wakeups
    heard_when_setting = phones.voice.heard

    # Pressed once the menu has read the wake-up back: 2 cancels it.
    cancelling = phones.call(sipp, "111", WAKEUP, "2", first_key_after_ms=6000)
    cancelled = await cancelling.wait_async(30)
    await pms.wait_for("WC")

    assert setting.ok, setting
    assert cancelled.ok, cancelled
    assert far_end_hung_up(cancelling)
    assert [(w.at, w.days) for w in scheduled] == [(due, 1)]
    assert "wakeup_set_done" in heard_when_setting
    menu = phones.voice.said[-2]  # the second call's menu, before its goodbye
    assert menu[:2] == ["wakeup_service", "wakeup_current"]
    assert menu[2:-2] == when(due, datetime.now(HOTEL), HOTEL, TimeEntry.H24)
    assert menu[-2:] == ["wakeup_menu_set", "wakeup_menu_cancel"]
    assert phones.voice.said[-1] == ["wakeup_cancelled", "goodbye"]
    assert received(pms, "WR") == [fias_wakeup("WR", "111", due)]
    assert received(pms, "WC") == [fias_wakeup("WC", "111", due)]
    assert phones.room("111").wakeups == ()
    for outcome in ("set", "cancelled"):
        assert phones.metric("connector_ivr_calls_total", service="wakeup",
                             outcome=outcome) == 1


async def test_invalid_entries_are_explained_and_asked_again_then_the_valid_one_is_kept(
        fias_hotel: FiasHotel, sipp: Sipp) -> None:
    phones, pms = fias_hotel.phones, fias_hotel.pms
    phones.check_in("112")
    at = hours_ahead(4)
    due = next_occurrence(at, datetime.now(HOTEL), HOTEL)

    # Keys 2 s apart: an explanation plays to its end, and keys pressed during it are not
    # taken for the answer to the question asked again after it.
    callers = [
        phones.call(sipp, "112", WAKEUP, f"12599{keyed(at)}1", scenario="caller_info_digits",
                    gap_ms=2000),
        phones.call(sipp, "113", HOUSEKEEPING, "72", scenario="caller_info_digits",
                    gap_ms=2600),
    ]
    outcomes = await asyncio.gather(*(caller.wait_async(40) for caller in callers))
    await until(lambda: len(pms.received_of("WR")) == 1 and len(pms.received_of("RE")) == 1)

    assert all(outcome.ok for outcome in outcomes), "\n".join(map(str, outcomes))
    assert phones.voice.heard.count("wakeup_invalid_time") == 1
    assert phones.voice.heard.count("invalid_entry") == 1
    assert received(pms, "WR") == [fias_wakeup("WR", "112", due)]
    assert received(pms, "RE") == ["RE|RN113|RS3|"]
    assert [w.at for w in phones.room("112").wakeups] == [due]
