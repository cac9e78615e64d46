"""Housekeeping keys a room's status on its phone: it is read back, kept in the room state
and reported to the PMS as the FIAS maid status (RS 1-6) the room's occupancy makes it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from connector.events.models import AnyEvent, HousekeepingStatus
from connector.ivr.handler import Ivr
from connector.pms.reporter_channels import FiasChannel
from connector.pms.reports import fias_record
from connector.sip.api import CallerId
from connector.store import Received, StoreError
from tests.ivr.conftest import HOTEL, ROOM_MAP, WAKEUP, Desk, MakeDesk
from tests.ivr.fakes import FakeCall, HangUp, Key, keys

CODES = {"1": "dirty", "2": "clean", "3": "inspected"}


@pytest.mark.parametrize(("digit", "occupied", "maid_status"), [
    ("1", False, 1), ("1", True, 2),
    ("2", False, 3), ("2", True, 4),
    ("3", False, 5), ("3", True, 6),
])
async def test_each_status_code_reaches_the_pms_as_the_maid_status_of_a_vacant_or_occupied_room(
    desk: Desk, digit: str, occupied: bool, maid_status: int,
) -> None:
    if occupied:
        desk.check_in("101")
    dialled_at = desk.clock.now()

    call = await desk.call("2101", keys(digit))

    (report,) = desk.reports()
    assert (report.kind, report.room, dict(report.payload)) == (
        "maid_status", "101", {"status": maid_status})
    kept = desk.room("101").housekeeping
    assert kept is not None
    assert (kept.status, kept.maid_status, kept.source) == (CODES[digit], maid_status, "phone")
    assert dialled_at < kept.at < desk.clock.now()  # when it was keyed, before the read-back
    assert call.plays[-1] == ["room_is_now", f"status_{CODES[digit]}", "status_recorded"]
    assert call.hung_up_by_service
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="recorded") == 1


async def test_the_menu_names_every_code_and_an_attendant_who_knows_it_need_not_wait(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(code_out_of_order="8")

    call = await desk.call("2101", [Key("3", early=True)])

    assert call.plays[0] == [
        "housekeeping_welcome",
        "for", "status_dirty", "press", "digit_1",
        "for", "status_clean", "press", "digit_2",
        "for", "status_inspected", "press", "digit_3",
        "for", "status_out_of_order", "press", "digit_8",
    ]
    assert call.interrupted == 1
    assert desk.room("101").housekeeping is not None


async def test_the_codes_are_the_hotels_own(make_desk: MakeDesk) -> None:
    desk = make_desk(code_dirty="7", code_clean="5", code_inspected="9")

    await desk.call("2101", keys("5"))

    assert [dict(r.payload) for r in desk.reports()] == [{"status": 3}]


async def test_the_attendant_number_is_kept_with_the_status(make_desk: MakeDesk) -> None:
    desk = make_desk(attendant_digits=4)
    desk.check_in("102")

    call = await desk.call("2102", keys("2") + keys("42#"))

    kept = desk.room("102").housekeeping
    assert kept is not None and (kept.status, kept.attendant) == ("clean", "42")
    assert "enter_attendant" in call.heard
    assert [dict(r.payload) for r in desk.reports()] == [{"status": 4}]


async def test_an_attendant_number_ends_by_itself_at_its_length_or_after_a_pause(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(attendant_digits=3)

    await desk.call("2101", keys("1") + keys("1234"))  # the 4th key is too many
    await desk.call("2102", keys("1") + keys("7"))  # then silence

    first, second = desk.room("101").housekeeping, desk.room("102").housekeeping
    assert first is not None and first.attendant == "123"
    assert second is not None and second.attendant == "7"


async def test_an_attendant_who_keys_no_number_still_records_the_status(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(attendant_digits=4)

    await desk.call("2101", keys("3#"))

    kept = desk.room("101").housekeeping
    assert kept is not None and (kept.status, kept.attendant) == ("inspected", None)


async def test_out_of_order_and_maintenance_reach_a_webhook_pms_with_their_condition(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(code_out_of_order="8", code_maintenance="9")
    desk.check_in("102")

    await desk.call("2101", keys("8"))
    call = await desk.call("2102", keys("9"))

    assert [(r.kind, r.room, dict(r.payload)) for r in desk.reports()] == [
        ("maid_status", "101", {"status": 1, "condition": "out_of_order"}),
        ("maid_status", "102", {"status": 2, "condition": "maintenance"}),
    ]
    kept = desk.room("102").housekeeping
    assert kept is not None and (kept.status, kept.maid_status) == ("maintenance", 2)
    assert call.plays[-1] == ["room_is_now", "status_maintenance", "status_recorded"]


async def test_on_fias_out_of_order_is_kept_in_the_room_state_but_not_sent(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(channel=FiasChannel(link=None), code_out_of_order="8")  # type: ignore[arg-type]

    await desk.call("2101", keys("8"))
    await desk.call("2102", keys("2"))

    kept = desk.room("101").housekeeping
    assert kept is not None and kept.status is HousekeepingStatus.OUT_OF_ORDER
    assert [(r.room, dict(r.payload)) for r in desk.reports()] == [("102", {"status": 3})]


async def test_an_extra_code_the_hotel_did_not_set_is_an_invalid_entry(desk: Desk) -> None:
    call = await desk.call("2101", keys("8") + keys("2"))

    assert "invalid_entry" in call.heard
    kept = desk.room("101").housekeeping
    assert kept is not None and kept.status == "clean"


async def test_wrong_keys_are_explained_and_asked_again_then_the_call_ends(desk: Desk) -> None:
    call = await desk.call("2101", keys("5") + keys("*") + keys("0"))

    assert call.heard.count("invalid_entry") == 2
    assert call.plays[-1] == ["too_many_attempts"]
    assert call.hung_up_by_service
    assert desk.store.room("101") is None and desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="too_many_attempts") == 1


async def test_silence_repeats_the_menu_without_calling_it_wrong(desk: Desk) -> None:
    call = await desk.call("2101", [Key("1", after=20)])  # two 8-second pauses first

    assert call.timeouts == 2
    assert "invalid_entry" not in call.heard
    assert call.plays[1][0] == "for"  # the menu again, without the welcome
    assert desk.room("101").housekeeping is not None


async def test_hanging_up_before_the_attendant_number_is_complete_records_nothing(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(attendant_digits=4)

    call = await desk.call("2101", [*keys("2"), *keys("4"), HangUp()])

    assert call.ended and not call.hung_up_by_service
    assert desk.store.room("101") is None and desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="abandoned") == 1


async def test_hanging_up_during_the_menu_records_nothing(desk: Desk) -> None:
    await desk.call("2101", [HangUp(early=True)])

    assert desk.store.room("101") is None and desk.reports() == []


async def test_many_rooms_reporting_at_once_are_all_recorded_and_reported(desk: Desk) -> None:
    rooms = sorted(ROOM_MAP)
    for room in rooms[::2]:
        desk.check_in(room)

    await asyncio.gather(*(desk.call(ROOM_MAP[room], keys("2", after=0.3 + i % 5))
                           for i, room in enumerate(rooms)))

    reported = {r.room: r.payload["status"] for r in desk.reports()}
    assert reported == {room: 4 if i % 2 == 0 else 3 for i, room in enumerate(rooms)}
    assert all(desk.room(room).housekeeping is not None for room in rooms)
    assert desk.metric("connector_housekeeping_statuses_total", status="clean",
                       source="phone") == len(rooms)


async def test_the_wakeup_number_does_not_reach_housekeeping(desk: Desk) -> None:
    desk.check_in("101")

    call = await desk.call("2101", [HangUp()], dialled=WAKEUP)

    assert call.plays[0][0] == "wakeup_service"


async def test_hash_can_be_a_status_code(make_desk: MakeDesk) -> None:
    desk = make_desk(code_inspected="#")

    call = await desk.call("2101", keys("#"))

    assert call.plays[0][-4:] == ["for", "status_inspected", "press", "hash"]
    kept = desk.room("101").housekeeping
    assert kept is not None and kept.status == "inspected"


async def test_a_failing_database_tells_the_attendant_to_try_later(desk: Desk) -> None:
    def full_disk(events: Sequence[AnyEvent], *, source: str) -> list[Received]:
        raise StoreError("database or disk is full", path="connector.sqlite3")

    broken = Ivr(desk.settings, tz=HOTEL, rooms=desk.store, ingest=full_disk,
                 reporter=desk.reporter, voice=desk.voice, clock=desk.clock,
                 room_map=ROOM_MAP, metrics=desk.ivr.metrics)
    call = FakeCall(desk.clock, keys("2"))

    await broken(call, CallerId(number="2101", name="", from_user="2101", dialled="7001"))

    assert call.plays[-1] == ["too_many_attempts"] and call.hung_up_by_service
    assert desk.reports() == []
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="failed") == 1


async def test_hanging_up_on_the_read_back_still_counts_as_recorded(desk: Desk) -> None:
    desk.check_in("101")

    await desk.call("2101", [*keys("2"), HangUp(early=True)])

    assert [r.payload["status"] for r in desk.reports()] == [4]
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="recorded") == 1
    assert desk.metric("connector_ivr_calls_total", service="housekeeping",
                       outcome="abandoned") == 0


async def test_make_up_room_keyed_on_the_phone_reaches_the_pms_as_rs_9_and_leaves_the_maid_status(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(code_make_up_room="4")
    desk.check_in("101")
    await desk.call("2101", keys("2"))  # housekeeping: clean, occupied (RS 4)

    call = await desk.call("2101", keys("4"))

    maid, service = desk.reports()
    assert str(fias_record(service, HOTEL)) == "RE|RN101|RS9|"
    assert (service.kind, dict(service.payload)) == ("guest_service", {"status": 9})
    assert str(fias_record(maid, HOTEL)) == "RE|RN101|RS4|"
    kept = desk.room("101").housekeeping
    assert kept is not None and (kept.status, kept.maid_status) == ("clean", 4)
    assert call.plays[0][-4:] == ["for", "status_make_up_room", "press", "digit_4"]
    assert call.plays[-1] == ["room_is_now", "status_make_up_room", "status_recorded"]
    assert desk.metric("connector_housekeeping_statuses_total", status="make_up_room",
                       source="phone") == 1


async def test_without_the_make_up_room_code_its_digit_is_no_choice(desk: Desk) -> None:
    call = await desk.call("2101", keys("41"))

    assert [r.kind for r in desk.reports()] == ["maid_status"]
    assert "status_make_up_room" not in call.plays[0]


async def test_codes_keyed_on_the_room_phone_are_in_the_rooms_audit_trail(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(code_make_up_room="4")
    desk.check_in("101")
    await desk.call("2101", keys("2"))  # clean
    await desk.call("2101", keys("4"))  # make-up room: no change to the room's state

    trail = [(e.by, e.what) for e in desk.store.audit("101", since=None, tz=HOTEL)
             if e.by == "room phone"]

    assert trail == [("room phone", "room 101 housekeeping clean (maid status 4)"),
                     ("room phone", "guest service status 9 (make-up room)")]
