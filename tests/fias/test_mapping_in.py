"""FIAS records from the PMS become the canonical events the rooms understand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from connector.events.models import (
    CheckIn,
    CheckOut,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Guest,
    GuestChange,
    HousekeepingUpdate,
    MessageWaiting,
    ResyncEnd,
    ResyncStart,
    WakeupClear,
    WakeupSet,
)
from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.inbound import InboundTranslator
from connector.pms.fias.mapping import EVENT_TYPES, to_events

HOTEL = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)  # 07:00 in Rome


def rec(text: str) -> Record:
    """A record written as on the wire, without the framing: `GI|RN101|G#1|`."""
    record_type, *parts = [p for p in text.split("|") if p]
    return Record(record_type, tuple((p[:2], p[2:]) for p in parts))


def one(text: str, *, receipt: str = "s:1", resync_id: str | None = None):  # type: ignore[no-untyped-def]
    [event] = to_events(rec(text), tz=HOTEL, received_at=NOW, receipt=receipt,
                        resync_id=resync_id)
    return event


def test_check_in_carries_the_guest_and_the_stay() -> None:
    event = one("GI|RN101|G#4711|GNRossi|GFMaria|GTMrs|GV2|GLIT|GSN|GA260314|GD260316|CS2|"
                "DA260314|TI063000|")
    assert isinstance(event, CheckIn)
    assert event.room == "101"
    assert event.reservation == "4711"
    assert event.guests == [Guest(title="Mrs", first_name="Maria", last_name="Rossi",
                                  vip="2", language="IT")]
    assert event.share is False
    assert (event.arrival, event.departure) == (date(2026, 3, 14), date(2026, 3, 16))
    assert event.class_of_service is ClassOfService.NATIONAL
    assert event.occurred_at == datetime(2026, 3, 14, 6, 30, tzinfo=HOTEL)
    assert event.id.startswith("fias-")


def test_a_full_name_in_gn_is_split_into_last_and_first() -> None:
    event = one("GI|RN101|G#1|GNGuest, Mr.|")
    assert event.guests[0].last_name == "Guest"
    assert event.guests[0].first_name == "Mr."


def test_a_sharer_is_flagged() -> None:
    assert one("GI|RN101|G#2|GNBianchi|GSY|").share is True


def test_without_a_time_stamp_the_event_happened_on_receipt() -> None:
    assert one("GI|RN101|G#1|GNRossi|").occurred_at == NOW


def test_a_malformed_departure_date_does_not_lose_the_check_in() -> None:
    event = one("GI|RN101|G#1|GNRossi|GD261399|")
    assert isinstance(event, CheckIn)
    assert event.departure is None


def test_check_out() -> None:
    event = one("GO|RN101|G#4711|GSN|DA260316|TI101500|")
    assert event == CheckOut(id=event.id, occurred_at=datetime(2026, 3, 16, 10, 15, tzinfo=HOTEL),
                             room="101", reservation="4711")


def test_a_guest_change_with_ro_is_a_room_move() -> None:
    event = one("GC|RN202|RO101|G#4711|GNRossi|GLEA|")
    assert isinstance(event, GuestChange)
    assert (event.room, event.old_room) == ("202", "101")
    assert event.guests[0].language == "EA"


def test_a_guest_change_without_ro_is_a_change_in_place() -> None:
    event = one("GC|RN101|G#4711|GNRossi-Verdi|")
    assert isinstance(event, GuestChange)
    assert event.old_room is None


@pytest.mark.parametrize(("field", "on"), [("Y", True), ("N", False)])
def test_room_equipment_dnd(field: str, on: bool) -> None:
    event = one(f"RE|RN101|DN{field}|")
    assert isinstance(event, Dnd)
    assert (event.room, event.on, event.until) == ("101", on, None)


@pytest.mark.parametrize(("field", "on"), [("Y", True), ("N", False)])
def test_room_equipment_message_light(field: str, on: bool) -> None:
    event = one(f"RE|RN101|ML{field}|")
    assert isinstance(event, MessageWaiting)
    assert event.on is on


@pytest.mark.parametrize("level", ["0", "1", "2", "3"])
def test_room_equipment_class_of_service(level: str) -> None:
    event = one(f"RE|RN101|CS{level}|")
    assert isinstance(event, ClassOfServiceChange)
    assert event.level == ClassOfService(int(level))


def test_one_room_equipment_record_can_carry_several_wishes_with_distinct_ids() -> None:
    events = to_events(rec("RE|RN101|DNY|MLY|CS0|"), tz=HOTEL, received_at=NOW, receipt="s:1")
    assert [type(e) for e in events] == [Dnd, MessageWaiting, ClassOfServiceChange]
    assert len({e.id for e in events}) == 3


@pytest.mark.parametrize(("rs", "status"), [
    ("1", "dirty"), ("2", "dirty"), ("3", "clean"), ("4", "clean"),
    ("5", "inspected"), ("6", "inspected"),
])
def test_a_maid_status_changed_in_the_pms_is_a_housekeeping_status_from_the_pms(
    rs: str, status: str,
) -> None:
    event = one(f"RE|RN101|RS{rs}|")
    assert isinstance(event, HousekeepingUpdate)
    assert (event.room, event.status, event.maid_status, event.source) == (
        "101", status, int(rs), "pms")


@pytest.mark.parametrize("rs", ["7", "8", "9", "10", "0", "X"])
def test_guest_service_and_out_of_order_codes_in_rs_are_not_applied(rs: str) -> None:
    assert to_events(rec(f"RE|RN101|RS{rs}|"), tz=HOTEL, received_at=NOW, receipt="s:1") == ()


def test_a_wakeup_request_is_in_hotel_time() -> None:
    event = one("WR|RN101|DA260315|TI0630|")
    assert isinstance(event, WakeupSet)
    assert event.at == datetime(2026, 3, 15, 6, 30, tzinfo=HOTEL)
    assert event.at.astimezone(UTC) == datetime(2026, 3, 15, 5, 30, tzinfo=UTC)
    assert event.occurred_at == NOW


def test_a_wakeup_with_seconds_and_without_a_date_is_the_next_such_time() -> None:
    assert one("WR|RN101|TI063000|").at == datetime(2026, 3, 15, 6, 30, tzinfo=HOTEL)
    assert one("WR|RN101|TI083000|").at == datetime(2026, 3, 14, 8, 30, tzinfo=HOTEL)


def test_a_wakeup_clear_names_the_time_or_clears_all() -> None:
    event = one("WC|RN101|DA260315|TI063000|")
    assert isinstance(event, WakeupClear)
    assert event.at == datetime(2026, 3, 15, 6, 30, tzinfo=HOTEL)
    assert one("WC|RN101|").at is None


def test_resync_start_and_end_share_the_resync_id() -> None:
    start = one("DS|DA260314|TI070000|", resync_id="fias-resync-x")
    end = one("DE|DA260314|TI070100|", resync_id="fias-resync-x")
    assert isinstance(start, ResyncStart)
    assert isinstance(end, ResyncEnd)
    assert start.resync_id == end.resync_id == "fias-resync-x"
    assert start.id != end.id


@pytest.mark.parametrize(("text", "problem"), [
    ("GI|G#1|GNRossi|", "GI: no room number (RN)"),
    ("RE|DNY|", "RE: no room number (RN)"),
    ("RE|RN101|CS7|", "unknown class of service"),
    ("GI|RN101|G#1|CS9|", "unknown class of service"),
    ("RE|RN101|DNX|", "DN must be Y or N"),
    ("WR|RN101|DA260315|", "wake-up time TI is not HHMM"),
    ("WR|RN101|DA261345|TI0630|", "wake-up date DA261345 is not YYMMDD"),
    ("WR|RN101|DA260315|TI2561|", "wake-up time TI2561"),
    ("DE|", "no resync is open"),
    ("GI|RN12345678901234567|G#1|", "room"),
    ("XL|RN101|", "XL is not a record the connector maps"),
])
def test_records_that_cannot_be_mapped_say_why(text: str, problem: str) -> None:
    with pytest.raises(MappingError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        to_events(rec(text), tz=HOTEL, received_at=NOW, receipt="s:1")


def test_error_messages_never_carry_the_guest_name() -> None:
    with pytest.raises(MappingError) as error:
        to_events(rec("GI|RN101|GNRossi|GFMaria|CS9|"), tz=HOTEL, received_at=NOW,
                  receipt="s:1")
    assert "Rossi" not in str(error.value)


def test_every_mapped_type_is_listed() -> None:
    assert {"GI", "GO", "GC", "RE", "WR", "WC", "DS", "DE"} == EVENT_TYPES


# -- event ids ---------------------------------------------------------------------------


def ids(text: str, receipt: str, resync_id: str | None = None) -> list[str]:
    return [e.id for e in to_events(rec(text), tz=HOTEL, received_at=NOW, receipt=receipt,
                                    resync_id=resync_id)]


def test_a_time_stamped_record_sent_again_after_a_reconnect_is_the_same_event() -> None:
    text = "RE|RN101|DNY|DA260314|TI070000|"
    assert ids(text, "session-a:5") == ids(text, "session-b:1")


def test_the_same_wish_at_a_later_time_is_a_new_event() -> None:
    assert ids("RE|RN101|DNY|DA260314|TI070000|", "a:1") != ids(
        "RE|RN101|DNY|DA260314|TI080000|", "a:2")


def test_without_a_time_stamp_a_repeated_record_is_a_new_event() -> None:
    # DND on, off, on again: the third must not be swallowed as a duplicate of the first.
    assert ids("RE|RN101|DNY|", "a:1") != ids("RE|RN101|DNY|", "a:3")


def test_the_same_wakeup_set_twice_is_two_events() -> None:
    # Set 06:30, clear, set 06:30 again: DA/TI is the wake-up time, not a time stamp.
    assert ids("WR|RN101|DA260315|TI0630|", "a:1") != ids("WR|RN101|DA260315|TI0630|", "a:3")


def test_each_resync_folds_every_reservation_again() -> None:
    gi = "GI|RN101|G#1|GNRossi|SF|DA260314|TI070000|"
    assert ids(gi, "a:2", "resync-1") != ids(gi, "b:2", "resync-2")
    assert ids(gi, "a:2", "resync-1") == ids(gi, "a:9", "resync-1")
    assert ids(gi, "a:2", "resync-1") != ids(gi, "a:2")


# -- the translator: one link's records in order ------------------------------------------


def translator() -> InboundTranslator:
    sessions = iter(["s1", "s2", "s3"])
    return InboundTranslator(tz=HOTEL, new_session=lambda: next(sessions))


def test_a_resync_is_bracketed_by_one_resync_id() -> None:
    t = translator()
    t.link_up()
    [start] = t.translate(rec("DS|"), received_at=NOW)
    [gi] = t.translate(rec("GI|RN101|G#1|GNRossi|SF|"), received_at=NOW)
    assert t.resync_open
    [end] = t.translate(rec("DE|"), received_at=NOW)
    assert isinstance(start, ResyncStart)
    assert isinstance(end, ResyncEnd)
    assert start.resync_id == end.resync_id
    assert isinstance(gi, CheckIn)
    assert not t.resync_open
    with pytest.raises(MappingError, match="no resync is open"):
        t.translate(rec("DE|"), received_at=NOW)


def test_two_resyncs_have_different_ids_even_with_identical_records() -> None:
    t = translator()
    t.link_up()
    first = [e.id for r in ("DS|", "GI|RN101|G#1|SF|", "DE|")
             for e in t.translate(rec(r), received_at=NOW)]
    second = [e.id for r in ("DS|", "GI|RN101|G#1|SF|", "DE|")
              for e in t.translate(rec(r), received_at=NOW)]
    assert not set(first) & set(second)


def test_a_resync_with_an_unreadable_record_does_not_sweep_the_rooms() -> None:
    t = translator()
    t.link_up()
    t.translate(rec("DS|"), received_at=NOW)
    with pytest.raises(MappingError):
        t.translate(rec("GI|RN101|G#1|GNRossi|CS9|SF|"), received_at=NOW)  # no such CS
    with pytest.raises(MappingError, match="rooms are not swept"):
        t.translate(rec("DE|"), received_at=NOW)
    assert not t.resync_open


def test_a_resync_cut_by_a_link_loss_is_abandoned() -> None:
    t = translator()
    t.link_up()
    t.translate(rec("DS|"), received_at=NOW)
    t.link_up()
    assert not t.resync_open
    with pytest.raises(MappingError):
        t.translate(rec("DE|"), received_at=NOW)


# -- share flags in a move: each GS belongs to the room field just before it --------------


@pytest.mark.parametrize(("text", "new_share", "old_share"), [
    ("GC|G#1|RN202|GSY|RO101|GSN|GNRossi|", True, False),
    ("GC|G#1|RN202|GSN|RO101|GSY|GNRossi|", False, True),
    ("GC|G#1|RO101|GSY|RN202|GSN|GNRossi|", False, True),
    ("GC|G#1|RO101|GSN|RN202|GSY|GNRossi|", True, False),
    ("GC|G#1|GSY|RN202|RO101|GSN|GNRossi|", True, False),  # a GS before any room is RN's
    ("GC|G#1|RN202|RO101|GSY|GNRossi|", False, True),
])
def test_a_move_carries_the_share_flag_of_each_room(
    text: str, new_share: bool, old_share: bool,
) -> None:
    event = one(text)
    assert isinstance(event, GuestChange)
    assert (event.room, event.old_room) == ("202", "101")
    assert (event.share, event.old_room_share) == (new_share, old_share)


def test_a_change_in_place_has_no_old_room_share_flag() -> None:
    event = one("GC|RN101|G#1|GSY|GNRossi|")
    assert isinstance(event, GuestChange)
    assert (event.share, event.old_room_share) == (True, False)


def test_a_share_flag_that_is_not_y_or_n_is_refused_with_the_room() -> None:
    with pytest.raises(MappingError, match="GC for room 202: GS must be Y or N"):
        to_events(rec("GC|RN202|GSY|RO101|GSX|G#1|"), tz=HOTEL, received_at=NOW,
                  receipt="s:1")


# -- a PMS that keys guests by room sends no G# -------------------------------------------


def test_a_check_in_without_g_hash_is_keyed_by_room() -> None:
    event = one("GI|RN101|GNRossi|GFMaria|GSN|")
    assert isinstance(event, CheckIn)
    assert (event.room, event.reservation, event.share) == ("101", None, False)
    assert event.guests[0].last_name == "Rossi"


def test_a_check_out_and_a_move_without_g_hash_are_keyed_by_room() -> None:
    out = one("GO|RN101|")
    assert isinstance(out, CheckOut) and out.reservation is None
    move = one("GC|RN202|GSN|RO101|GSN|GNRossi|")
    assert isinstance(move, GuestChange)
    assert (move.reservation, move.old_room) == (None, "101")
