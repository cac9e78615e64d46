"""What a console's event stream sends for the notices of one short window: a checkout rush
must cost a console one request per moment, not one per room."""

from __future__ import annotations

from connector.notices import Notice
from connector.web.console.live_batch import LiveEvent, coalesce


def test_a_floor_checking_out_together_is_one_event_naming_each_room_once() -> None:
    window = [Notice("room", "101"), Notice("room", "102"), Notice("room", "101"),
              Notice("room", "103"), Notice("room", "102")]
    assert coalesce(window) == [LiveEvent("room", "101 102 103")]


def test_alerts_and_wake_up_tries_come_once_each_after_the_rooms() -> None:
    window = [Notice("wakeup"), Notice("alert", "204"), Notice("room", "204"),
              Notice("alert"), Notice("wakeup"), Notice("alert", "204")]
    assert coalesce(window) == [LiveEvent("room", "204"), LiveEvent("alert", "204"),
                                LiveEvent("wakeup")]


def test_an_acknowledged_alert_alone_refreshes_the_banner_with_no_room() -> None:
    assert coalesce([Notice("alert")]) == [LiveEvent("alert", "")]


def test_a_reload_in_the_window_replaces_everything_else() -> None:
    window = [Notice("room", "101"), Notice("reload"), Notice("alert", "101")]
    assert coalesce(window) == [LiveEvent("reload")]


def test_more_rooms_than_the_cap_rebuild_the_page_instead() -> None:
    rooms = [Notice("room", str(100 + n)) for n in range(4)]
    assert coalesce(rooms, max_rooms=4) == [LiveEvent("room", "100 101 102 103")]
    assert coalesce([*rooms, Notice("room", "999"), Notice("wakeup")], max_rooms=4) == [
        LiveEvent("reload")]
    # the same room changing again does not count twice towards the cap
    assert coalesce([*rooms, Notice("room", "100")], max_rooms=4) == [
        LiveEvent("room", "100 101 102 103")]


def test_a_quiet_window_sends_nothing() -> None:
    assert coalesce([]) == []
