"""A guest dials the wake-up service from the room: hears the wake-up that is set, sets one
by keying the time (24-hour, or 12-hour then AM/PM), hears it read back and confirms, or
cancels it. It joins the PMS's wake-ups in the room state and the PMS is told (WR / WC)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest

from tests.ivr.conftest import HOTEL, WAKEUP, Desk, MakeDesk
from tests.ivr.fakes import HangUp, Step, keys

# The desk's clock starts at 10:00 hotel time on Tuesday 10 March 2026.
TOMORROW_0630 = datetime(2026, 3, 11, 6, 30, tzinfo=HOTEL)


@pytest.fixture
def desk(make_desk: MakeDesk) -> Desk:
    """A desk with a guest in room 101."""
    desk = make_desk()
    desk.check_in("101")
    return desk


async def wakeup_call(desk: Desk, script: Sequence[Step], extension: str = "2101") -> list[str]:
    call = await desk.call(extension, script, dialled=WAKEUP)
    assert call.hung_up_by_service or call.ended
    return call.heard


def wakeup_times(desk: Desk, room: str = "101") -> list[datetime]:
    state = desk.store.room(room)
    return [w.at for w in state.wakeups] if state else []


def reported(desk: Desk) -> list[tuple[str, str, object]]:
    return [(r.kind, r.room, r.payload.get("at")) for r in desk.reports()]


async def test_a_guest_sets_a_wakeup_on_a_24_hour_clock_for_tomorrow_morning(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("1"), *keys("0630"), *keys("1")])

    assert heard[:4] == ["wakeup_service", "wakeup_none", "wakeup_menu_set", "wakeup_enter_time"]
    assert heard[4:10] == ["wakeup_too_soon", "wakeup_you_entered", "digit_6", "n_30",
                           "tomorrow", "wakeup_confirm_choice"]
    assert heard[-5:] == ["wakeup_set_done", "digit_6", "n_30", "tomorrow", "goodbye"]
    assert wakeup_times(desk) == [TOMORROW_0630]
    assert reported(desk) == [("wakeup_set", "101", "2026-03-11T06:30:00+01:00")]
    assert desk.metric("connector_ivr_calls_total", service="wakeup", outcome="set") == 1


async def test_a_guest_sets_a_wakeup_on_a_12_hour_clock_for_this_evening(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(time_entry="12h")
    desk.check_in("101")

    heard = await wakeup_call(desk, [*keys("1"), *keys("0715"), *keys("2"), *keys("1")])

    assert "am_pm_choice" in heard
    assert heard[-6:] == ["wakeup_set_done", "digit_7", "n_15", "pm", "today", "goodbye"]
    assert wakeup_times(desk) == [datetime(2026, 3, 10, 19, 15, tzinfo=HOTEL)]


async def test_twelve_am_on_a_12_hour_clock_is_just_after_midnight(make_desk: MakeDesk) -> None:
    desk = make_desk(time_entry="12h")
    desk.check_in("101")

    await wakeup_call(desk, [*keys("1"), *keys("1215"), *keys("1"), *keys("1")])

    assert wakeup_times(desk) == [datetime(2026, 3, 11, 0, 15, tzinfo=HOTEL)]


async def test_a_guest_hears_the_wakeup_the_front_desk_set_and_cancels_it(desk: Desk) -> None:
    desk.pms_wakeup("101", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))

    heard = await wakeup_call(desk, keys("2"))

    assert heard[:6] == ["wakeup_service", "wakeup_current", "digit_7", "hundred", "tomorrow",
                         "wakeup_menu_set"]
    assert "wakeup_menu_cancel" in heard
    assert heard[-2:] == ["wakeup_cancelled", "goodbye"]
    assert wakeup_times(desk) == []
    assert reported(desk) == [("wakeup_clear", "101", "2026-03-11T07:00:00+01:00")]
    assert desk.metric("connector_ivr_calls_total", service="wakeup", outcome="cancelled") == 1


async def test_a_daily_wakeup_is_announced_at_its_next_call(desk: Desk) -> None:
    desk.pms_wakeup("101", datetime(2026, 3, 9, 6, 45, tzinfo=HOTEL), days=5)

    heard = await wakeup_call(desk, [HangUp(after=1)])

    assert heard[1:6] == ["wakeup_current", "digit_6", "n_40", "digit_5", "tomorrow"]


async def test_without_a_wakeup_there_is_nothing_to_cancel(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("2"), *keys("1"), *keys("0630"), *keys("1")])

    assert "wakeup_menu_cancel" not in heard
    assert "invalid_entry" in heard
    assert wakeup_times(desk) == [TOMORROW_0630]


async def test_setting_a_new_time_by_phone_replaces_the_one_set_by_phone_before(
    desk: Desk,
) -> None:
    pms_set = datetime(2026, 3, 12, 8, 0, tzinfo=HOTEL)
    desk.pms_wakeup("101", pms_set)
    await wakeup_call(desk, [*keys("1"), *keys("0630"), *keys("1")])

    await wakeup_call(desk, [*keys("1"), *keys("0700"), *keys("1")])

    seven = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL)
    assert wakeup_times(desk) == [seven, pms_set]
    assert reported(desk) == [
        ("wakeup_set", "101", "2026-03-11T06:30:00+01:00"),
        ("wakeup_clear", "101", "2026-03-11T06:30:00+01:00"),
        ("wakeup_set", "101", "2026-03-11T07:00:00+01:00"),
    ]


async def test_a_time_later_today_is_called_today_without_a_warning(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("1"), *keys("2200"), *keys("1")])

    assert "wakeup_too_soon" not in heard
    assert heard[-6:] == ["wakeup_set_done", "n_20", "digit_2", "hundred", "today", "goodbye"]
    assert wakeup_times(desk) == [datetime(2026, 3, 10, 22, 0, tzinfo=HOTEL)]


async def test_an_impossible_time_is_explained_and_asked_again(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("1"), *keys("2561"), *keys("0630"), *keys("1")])

    assert heard.count("wakeup_invalid_time") == 1
    assert wakeup_times(desk) == [TOMORROW_0630]


async def test_three_impossible_times_end_the_call_with_nothing_changed(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("1"), *keys("2400"), *keys("9999"), *keys("12")])

    assert heard.count("wakeup_invalid_time") == 2
    assert heard[-1] == "too_many_attempts"
    assert wakeup_times(desk) == [] and desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="wakeup",
                       outcome="too_many_attempts") == 1


async def test_a_guest_who_changes_their_mind_keys_another_time(desk: Desk) -> None:
    heard = await wakeup_call(desk, [*keys("1"), *keys("0630"), *keys("2"), *keys("0645"),
                                     *keys("1")])

    assert heard.count("wakeup_enter_time") == 2
    assert wakeup_times(desk) == [datetime(2026, 3, 11, 6, 45, tzinfo=HOTEL)]


async def test_hanging_up_before_confirming_changes_nothing(desk: Desk) -> None:
    desk.pms_wakeup("101", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))

    await wakeup_call(desk, [*keys("1"), *keys("0630"), HangUp()])

    assert wakeup_times(desk) == [datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL)]
    assert desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="wakeup", outcome="abandoned") == 1


async def test_the_guest_hears_the_service_in_their_language(make_desk: MakeDesk) -> None:
    desk = make_desk()
    desk.check_in("101", language="DE")
    desk.check_in("102", language="Deutsch")

    await wakeup_call(desk, [HangUp(after=1)], extension="2101")
    await wakeup_call(desk, [HangUp(after=1)], extension="2102")
    await desk.call("2101", [HangUp(after=1)])  # housekeeping staff

    assert desk.voice.languages == ["de", None, None]


async def test_an_empty_room_cannot_set_a_wakeup_that_would_ring_for_the_next_guest(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk()

    heard = await wakeup_call(desk, [*keys("1"), *keys("0630"), *keys("1")])

    assert heard == ["not_a_guest_room"]
    assert wakeup_times(desk) == [] and desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="wakeup",
                       outcome="vacant_room") == 1


async def test_a_wakeup_the_guest_set_by_phone_is_in_the_rooms_audit_trail(desk: Desk) -> None:
    await wakeup_call(desk, [*keys("1"), *keys("0630"), *keys("1")])

    trail = [(e.kind, e.by, e.what) for e in desk.store.audit("101", since=None, tz=HOTEL)
             if e.by == "room phone"]

    assert trail == [
        ("event", "room phone", "room 101 wake-up 2026-03-11 06:30 CET set"),
        ("report", "room phone", "guest set a wake-up for 2026-03-11 06:30 CET"),
    ]
