"""A room's outside call reaches its folio once, for the stay that held the room when the
call started; what is not a guest's call is kept and shown, never posted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from connector.billing.call import from_webhook_row
from tests.billing.front_desk import (
    ARRIVAL,
    FRONT_DESK_EXTENSION,
    FrontDesk,
    call_row,
)

EVENING = ARRIVAL + timedelta(hours=6)


def test_a_guests_call_to_london_is_posted_to_the_room_with_its_price() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    row = call_row("2101", EVENING, talk=185)

    assert desk.zoom_tells(row) == "new"

    call = desk.call(row)
    assert (call.state, call.room, call.reservation) == ("posted", "101", "R-7")
    assert call.rating is not None and call.rating.amount_minor == 400  # 4 started minutes
    assert desk.postings() == [
        "PS|RN101|PTC|TA400|DD442071838750|DU000305|DA261207|TI200314|P#1|"]
    assert call.p_number == 1
    assert desk.counted("posted") == 1


def test_zoom_telling_of_a_call_twice_posts_it_once() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    row = call_row("2101", EVENING)

    desk.zoom_tells(row)
    assert desk.zoom_tells(row) == "duplicate"
    assert desk.zoom_tells(row, source="poll") == "duplicate"

    assert len(desk.postings()) == 1
    assert desk.call(row).sources == ("poll", "webhook")


def test_a_call_first_seen_unanswered_then_answered_is_posted_when_the_answer_comes() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    first = call_row("2101", EVENING, talk=0, call_id="7214-out-of-order")
    later = call_row("2101", EVENING, talk=61, call_id="7214-out-of-order")

    desk.zoom_tells(first)
    assert desk.call(first).state == "not_chargeable"
    assert desk.zoom_tells(later, source="poll") == "updated"

    assert desk.call(later).state == "posted"
    assert desk.postings() == [
        "PS|RN101|PTC|TA200|DD442071838750|DU000101|DA261207|TI200110|P#1|"]


def test_a_posted_call_is_not_changed_by_a_later_row() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, talk=30, call_id="7214-a"))
    desk.zoom_tells(call_row("2101", EVENING, talk=3000, call_id="7214-a"), source="poll")

    assert desk.postings() == [
        "PS|RN101|PTC|TA100|DD442071838750|DU000030|DA261207|TI200039|P#1|"]


def test_a_call_from_a_vacant_room_is_kept_not_posted() -> None:
    desk = FrontDesk()
    row = call_row("2102", EVENING)

    desk.zoom_tells(row)

    call = desk.call(row)
    assert (call.state, call.room) == ("vacant", "102")
    assert call.reason == "room 102 was vacant when the call started"
    assert desk.postings() == []


def test_a_call_from_the_front_desk_is_kept_as_not_a_room() -> None:
    desk = FrontDesk()
    row = call_row(FRONT_DESK_EXTENSION, EVENING)

    desk.zoom_tells(row)

    call = desk.call(row)
    assert (call.state, call.room) == ("not_a_room", None)
    assert "extension 1000 is no room's phone" in (call.reason or "")
    assert desk.postings() == []


def test_inbound_and_internal_calls_are_not_chargeable() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    inbound = call_row("2101", EVENING, direction="inbound")
    internal = call_row("2101", EVENING, connect_type="internal", callee_did_number=None,
                        callee_ext_number="2102")

    desk.zoom_tells(inbound)
    desk.zoom_tells(internal)

    assert desk.call(inbound).state == "not_chargeable"
    assert desk.call(internal).state == "not_chargeable"
    assert desk.postings() == []


def test_a_number_without_a_rate_is_held_as_no_rate_not_guessed() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    row = call_row("2101", EVENING, dialled="+8821234567")

    desk.zoom_tells(row)

    call = desk.call(row)
    assert call.state == "no_rate"
    assert call.reason == "no tariff class for +882…"
    assert desk.postings() == []
    assert desk.counted("no_rate") == 1


def test_a_free_call_is_rated_but_nothing_is_posted() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    row = call_row("2101", EVENING, dialled="+498001234567")

    desk.zoom_tells(row)

    call = desk.call(row)
    assert call.state == "rated" and call.rating is not None
    assert call.rating.amount_minor == 0
    assert desk.postings() == []


def test_a_call_made_before_a_move_is_charged_to_the_room_it_came_from() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.move("R-7", "101", "103", ARRIVAL + timedelta(hours=2))
    before_move = call_row("2101", ARRIVAL + timedelta(hours=1))
    after_move = call_row("2103", ARRIVAL + timedelta(hours=3))

    desk.zoom_tells(after_move)
    desk.zoom_tells(before_move)  # its record came late, after the move

    assert (desk.call(before_move).room, desk.call(before_move).reservation) == ("101", "R-7")
    assert (desk.call(after_move).room, desk.call(after_move).reservation) == ("103", "R-7")
    assert [p.split("|")[1] for p in desk.postings()] == ["RN103", "RN101"]


def test_sharers_calls_go_to_the_room_under_the_first_reservation() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_in("101", "R-8", ARRIVAL + timedelta(hours=1), share=True)
    row = call_row("2101", EVENING)

    desk.zoom_tells(row)

    assert (desk.call(row).room, desk.call(row).reservation) == ("101", "R-7")
    assert len(desk.postings()) == 1


def test_a_call_before_the_check_in_is_not_the_new_guests() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", EVENING)
    row = call_row("2101", EVENING - timedelta(minutes=30))

    desk.zoom_tells(row)

    assert desk.call(row).state == "vacant"


def test_a_call_whose_record_comes_after_check_out_is_still_posted_within_the_window() -> None:
    desk = FrontDesk(late_hours=24)
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_out("101", "R-7", EVENING + timedelta(minutes=10))
    desk.clock.set_now(EVENING + timedelta(hours=2))
    row = call_row("2101", EVENING)

    desk.zoom_tells(row)

    call = desk.call(row)
    assert (call.state, call.reservation) == ("posted", "R-7")
    assert call.reason == "posted after check-out (the guest left at 2026-12-07 20:10 UTC)"


def test_a_call_whose_record_comes_after_the_window_is_a_late_charge() -> None:
    desk = FrontDesk(late_hours=1)
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_out("101", "R-7", EVENING + timedelta(minutes=10))
    desk.clock.set_now(EVENING + timedelta(hours=2))
    row = call_row("2101", EVENING)

    desk.zoom_tells(row)

    call = desk.call(row)
    assert (call.state, call.reservation) == ("late", "R-7")
    assert "more than 1 h before the call's record came" in (call.reason or "")
    assert desk.postings() == []
    assert desk.counted("late") == 1


def test_a_late_call_is_never_posted_to_the_next_guest_in_the_room() -> None:
    desk = FrontDesk(late_hours=24)
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_out("101", "R-7", EVENING + timedelta(minutes=10))
    desk.check_in("101", "R-9", EVENING + timedelta(minutes=50))
    desk.clock.set_now(EVENING + timedelta(hours=2))
    row = call_row("2101", EVENING)

    desk.zoom_tells(row)

    call = desk.call(row)
    assert (call.state, call.reservation) == ("late", "R-7")
    assert "the room has been let again" in (call.reason or "")
    assert desk.postings() == []


def test_calls_are_listed_by_room_by_reservation_and_by_state() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_in("102", "R-8", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING))
    desk.zoom_tells(call_row("2102", EVENING, dialled="+8821234567"))
    desk.zoom_tells(call_row("2101", EVENING + timedelta(minutes=5)))

    assert len(desk.store.calls(room="101")) == 2
    assert [c.room for c in desk.store.calls(reservation="R-8")] == ["102"]
    assert [c.room for c in desk.store.calls(states=["no_rate"])] == ["102"]
    assert desk.store.count_calls()["posted"] == 2
    in_state = {state: desk.registry.get_sample_value("connector_calls_in_state",
                                                      {"state": state})
                for state in ("new", "no_rate", "late", "posted", "unknown")}
    assert in_state == {"new": 0, "no_rate": 1, "late": 0, "posted": 2, "unknown": 0}
    assert desk.counted("seen") == 3


def test_a_call_kept_before_a_crash_is_settled_once_at_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    desk.check_in("101", "R-7", ARRIVAL)
    row = call_row("2101", EVENING)
    desk.store.take_call(from_webhook_row(row), "webhook")  # kept; the process died here
    desk.store.close()

    restarted = FrontDesk(path)
    assert restarted.pipeline.settle_new() == 1
    assert restarted.pipeline.settle_new() == 0

    assert restarted.call(row).state == "posted"
    assert len(restarted.postings()) == 1
