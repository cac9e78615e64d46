"""`connector status --room` for rooms the scenario tests do not reach cheaply: housekeeping
keyed on the phone, wake-ups, and a room Zoom gave up on; and the message-lamp line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.cli.room_status import message_waiting_line, room_report
from connector.events.models import ClassOfService, Guest, HousekeepingStatus
from connector.rooms.state import DndWish, Housekeeping, RoomState, Stay, Wakeup
from connector.store import Failure

NEW_YORK = ZoneInfo("America/New_York")
NOON = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 12:00 EDT


def _room_203(**update: object) -> RoomState:
    stay = Stay(reservation="4711", guests=(Guest(first_name="Ana", last_name="Lima"),),
                checked_in_at=NOON, class_of_service=ClassOfService.LOCAL)
    state = RoomState(
        room="203", stays=(stay,), occupancy_since=NOON, no_voicemail_before=NOON,
        dnd=DndWish(on=True), message_waiting=True, version=4,
        wakeups=(Wakeup(at=NOON + timedelta(hours=19), days=2),),
        housekeeping=Housekeeping(status=HousekeepingStatus.CLEAN, maid_status=4,
                                  at=NOON + timedelta(hours=1), attendant="12"),
    )
    return state.model_copy(update=update)


def test_the_room_now_in_new_york_time() -> None:
    lines = room_report("203", _room_203(), [], confirmed_version=4, failure=None, tz=NEW_YORK)

    assert lines[:9] == [
        "Room 203: occupied since 2026-03-10 12:00 EDT, 1 guest(s)",
        "  reservation 4711: 1 guest(s)",
        "  DND: on",
        "  class of service: local",
        "  housekeeping: clean (maid status 4), 2026-03-10 13:00 EDT by the room phone, "
        "attendant 12",
        "  message waiting: on",
        "  wake-ups: 2026-03-11 07:00 EDT daily for 2 days",
        "  voicemail left before 2026-03-10 12:00 EDT is purged",
        "  Zoom: in step with the PMS",
    ]
    assert "Ana" not in "\n".join(lines)


def test_a_room_zoom_gave_up_on_says_until_when_and_why() -> None:
    failure = Failure(room="203", error="extension 2203 is not in the Zoom directory",
                      attempts=4, final=True, at=NOON)

    lines = room_report("203", _room_203(), [], confirmed_version=2, failure=failure,
                        tz=NEW_YORK)

    assert ("  Zoom: not yet in step (version 2 of 4 confirmed); gave up after 4 attempt(s) "
            "at 2026-03-10 12:00:00 EDT until the next `connector sync`: extension 2203 is "
            "not in the Zoom directory") in lines


def test_the_message_lamp_line_counts_and_names_the_rooms() -> None:
    rooms = {"203": _room_203(), "204": RoomState(room="204"),
             "101": RoomState(room="101", message_waiting=True)}

    assert message_waiting_line(rooms) == "Message waiting (from the PMS): 2 room(s): 101, 203."
    assert message_waiting_line({}) == "Message waiting (from the PMS): no room."
