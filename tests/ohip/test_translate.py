"""OPERA's business events and reservations, as the phones must see them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from connector.events.models import (
    CheckIn,
    CheckOut,
    Event,
    Guest,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
    WakeupClear,
    WakeupSet,
)
from connector.pms.ohip.notices import poll_notice, stream_notice
from connector.pms.ohip.reservation import Stay, stay_from_reservation, stays_in_house
from connector.pms.ohip.translate import (
    Read,
    check_ins,
    events_from_room_status,
    events_from_stay,
    events_from_wakeups,
    parse_event,
)
from tests.ohip.conftest import HOTEL_TZ
from tests.ohip.factories import in_house_row, polled, reservation, streamed, wakeup_call

ARRIVED = datetime(2026, 3, 10, 10, 15, 30, tzinfo=UTC)


def _stay(**changes: Any) -> Stay:
    stay = stay_from_reservation(reservation(**changes))
    assert stay is not None
    return stay


def _events(name: str, details: list[tuple[str, str, str]] | None = None,
            **stay: Any) -> list[Event]:
    notice = stream_notice(streamed(name, "880001", details=details), ARRIVED)
    return events_from_stay(parse_event(notice.body), _stay(**stay), notice, HOTEL_TZ)


def test_both_shapes_read_the_same() -> None:
    details = [("ROOMNO", "1204", "1310")]
    stream = parse_event(streamed("UPDATE RESERVATION", "880001", details=details))
    poll = parse_event(polled("UPDATE RESERVATION", "880001", details=details))
    assert (stream.name, stream.primary_key, stream.details) == (
        poll.name, poll.primary_key, poll.details)


@pytest.mark.parametrize(("name", "read"), [
    ("CHECK IN", Read.RESERVATION), ("CHECK OUT", Read.RESERVATION),
    ("UPDATE RESERVATION", Read.RESERVATION), ("REVERSE CHECK IN", Read.RESERVATION),
    ("REVERSE CHECK OUT", Read.RESERVATION), ("CREATE WAKE UP CALL", Read.WAKEUPS),
    ("UPDATE WAKE UP CALL", Read.WAKEUPS), ("DELETE WAKE UP CALL", Read.WAKEUPS),
    ("UPDATE ROOM STATUS", Read.NONE), ("NEW GUEST MESSAGE", Read.NOTHING),
    ("UPDATE PROFILE", Read.NOTHING)])
def test_each_event_name_asks_for_what_it_needs(name: str, read: Read) -> None:
    assert parse_event(streamed(name, "1")).read is read


def test_a_check_in_puts_the_guest_in_the_room_with_their_name_vip_and_language() -> None:
    [event] = _events("CHECK IN", vip="VIP2", language="F")
    assert event == CheckIn(
        id="ohip:evt-1#0", occurred_at=datetime(2026, 3, 10, 10, 15, tzinfo=UTC), room="1204",
        reservation="880001", guests=[Guest(title="Ms", first_name="Ada", last_name="Lovelace",
                                            vip="VIP2", language="F")],
        arrival=date(2026, 3, 9), departure=date(2026, 3, 12))


def test_a_sharer_checks_in_as_a_share() -> None:
    [event] = _events("CHECK IN", share="NonPrimary")
    assert isinstance(event, CheckIn) and event.share


def test_a_check_in_read_back_after_the_guest_left_changes_nothing() -> None:
    assert _events("CHECK IN", status="CheckedOut") == []


def test_a_check_out_empties_the_room() -> None:
    [event] = _events("CHECK OUT", status="CheckedOut")
    assert isinstance(event, CheckOut)
    assert (event.room, event.reservation) == ("1204", "880001")


def test_a_reversed_check_in_takes_the_stay_out_of_the_room() -> None:
    [event] = _events("REVERSE CHECK IN", status="DueIn")
    assert isinstance(event, CheckOut) and event.room == "1204"


def test_a_reversed_check_in_without_a_room_left_uses_the_events_old_room() -> None:
    [event] = _events("REVERSE CHECK IN", details=[("ROOMNO", "1204", "")], status="DueIn",
                      room=None)
    assert isinstance(event, CheckOut) and event.room == "1204"


def test_a_reversed_check_out_brings_the_guest_back() -> None:
    [event] = _events("REVERSE CHECK OUT", status="InHouse")
    assert isinstance(event, CheckIn) and event.room == "1204"


def test_a_name_change_in_house_is_a_guest_change() -> None:
    [event] = _events("UPDATE RESERVATION", given="Augusta", details=[
        ("GUESTNAME", "Ada", "Augusta")])
    assert isinstance(event, GuestChange)
    assert event.guests[0].first_name == "Augusta" and event.old_room is None


def test_a_room_change_in_house_is_a_move() -> None:
    [event] = _events("UPDATE RESERVATION", room="1310", details=[("ROOMNO", "1204", "1310")])
    assert isinstance(event, GuestChange)
    assert (event.old_room, event.room) == ("1204", "1310")


def test_an_update_of_a_future_reservation_means_nothing_for_the_phones() -> None:
    assert _events("UPDATE RESERVATION", status="Reserved") == []


def test_the_in_house_list_makes_one_check_in_per_stay_and_sharers_share() -> None:
    stays = stays_in_house([in_house_row("1", "101", vip="GOLD"), in_house_row("2", "102"),
                            in_house_row("3", "101"), in_house_row("4", "103", status="DueIn")])
    checkins = check_ins(stays, ARRIVED)
    assert [(c.room, c.reservation, c.share) for c in checkins] == [
        ("101", "1", False), ("102", "2", False), ("101", "3", True)]
    assert checkins[0].guests[0].vip == "GOLD"


def _wakeups(name: str, calls: list[dict[str, object]],
             details: list[tuple[str, str, str]] | None = None) -> list[Event]:
    notice = stream_notice(streamed(name, "880001", details=details), ARRIVED)
    return list(events_from_wakeups(parse_event(notice.body), {"calls": calls}, notice,
                                    HOTEL_TZ))


def test_a_wake_up_set_in_opera_rings_at_property_time() -> None:
    [event] = _wakeups("CREATE WAKE UP CALL", [wakeup_call("2026-03-11T07:00:00")])
    assert isinstance(event, WakeupSet)
    assert event.room == "1204" and event.at == datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ)
    assert event.id == "ohip:evt-1#0"


def test_a_wake_up_for_three_mornings_is_set_for_three_days() -> None:
    [event] = _wakeups("CREATE WAKE UP CALL", [wakeup_call(
        "2026-03-11T07:00:00", span=("2026-03-11", "2026-03-13"))])
    assert isinstance(event, WakeupSet) and event.days == 3


def test_a_moved_wake_up_clears_the_old_time_and_sets_the_new() -> None:
    events = _wakeups("UPDATE WAKE UP CALL", [wakeup_call("2026-03-11T07:30:00")],
                      details=[("WAKEUPTIME", "2026-03-11T07:00:00", "2026-03-11T07:30:00")])
    assert [(type(e).__name__, e.at) for e in events if isinstance(e, WakeupClear | WakeupSet)
            ] == [("WakeupClear", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ)),
                  ("WakeupSet", datetime(2026, 3, 11, 7, 30, tzinfo=HOTEL_TZ))]
    assert [e.id for e in events] == ["ohip:evt-1#0", "ohip:evt-1#1"]


def test_a_cancelled_wake_up_is_cleared_and_done_ones_are_left_alone() -> None:
    events = _wakeups("DELETE WAKE UP CALL", [
        wakeup_call("2026-03-11T07:00:00", status="Cancelled"),
        wakeup_call("2026-03-10T06:00:00", status="Completed")])
    assert len(events) == 1 and isinstance(events[0], WakeupClear)
    assert events[0].at == datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL_TZ)


def test_a_room_status_changed_in_opera_is_a_pms_housekeeping_update() -> None:
    notice = stream_notice(streamed("UPDATE ROOM STATUS", "1204", details=[
        ("ROOMSTATUS", "Dirty", "Inspected"), ("FOSTATUS", "Occupied", "Vacant")]), ARRIVED)
    [event] = events_from_room_status(parse_event(notice.body), notice, HOTEL_TZ)
    assert isinstance(event, HousekeepingUpdate)
    assert (event.room, event.status, event.source, event.maid_status) == (
        "1204", HousekeepingStatus.INSPECTED, "pms", 5)


def test_a_room_out_of_service_is_maintenance() -> None:
    notice = stream_notice(streamed("UPDATE ROOM STATUS", "1204", details=[
        ("ROOMSTATUS", "Clean", "OutOfService")]), ARRIVED)
    [event] = events_from_room_status(parse_event(notice.body), notice, HOTEL_TZ)
    assert isinstance(event, HousekeepingUpdate)
    assert event.status is HousekeepingStatus.MAINTENANCE and event.maid_status is None


def test_a_polled_time_without_zone_is_property_time() -> None:
    notice = poll_notice(polled("UPDATE ROOM STATUS", "1204", details=[
        ("ROOMSTATUS", "Clean", "Dirty")], created="2026-03-10T11:15:00"), ARRIVED)
    [event] = events_from_room_status(parse_event(notice.body), notice, HOTEL_TZ)
    assert event.occurred_at == datetime(2026, 3, 10, 11, 15, tzinfo=HOTEL_TZ)
