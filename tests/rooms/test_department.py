"""The department a room's phone shows, by DV2000's options."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connector.events.models import Guest
from connector.rooms.department import DEPARTMENT_MAX, DepartmentMode, department_for
from connector.rooms.state import RoomState, Stay

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


def _occupied(since: datetime | None, room: str = "101") -> RoomState:
    stay = Stay(reservation="R-1", guests=(Guest(first_name="Ann", last_name="Lee"),),
                checked_in_at=since or datetime(2026, 11, 24, tzinfo=UTC))
    return RoomState(room=room, stays=(stay,), occupancy_since=since)


def _vacant(since: datetime | None, room: str = "101") -> RoomState:
    return RoomState(room=room, occupancy_since=since)


def test_disabled_leaves_the_department_untouched() -> None:
    assert department_for(_occupied(None), mode=DepartmentMode.DISABLED, tz=UTC) is None


def test_status_shows_the_check_in_date() -> None:
    room = _occupied(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    assert department_for(room, mode=DepartmentMode.STATUS, tz=UTC) == "Checked in 2026-11-24"


def test_status_shows_the_check_out_date() -> None:
    room = _vacant(datetime(2026, 11, 24, 11, 0, tzinfo=UTC))
    assert department_for(room, mode=DepartmentMode.STATUS, tz=UTC) == "Checked out 2026-11-24"


def test_a_late_check_out_in_los_angeles_is_dated_by_the_hotels_day() -> None:
    room = _vacant(datetime(2026, 11, 25, 6, 30, tzinfo=UTC))  # 22:30 on the 24th in LA
    assert department_for(room, mode=DepartmentMode.STATUS, tz=LOS_ANGELES) == (
        "Checked out 2026-11-24"
    )


def test_an_evening_check_in_in_tokyo_is_already_the_next_day() -> None:
    room = _occupied(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))  # 01:00 on the 25th in Tokyo
    assert department_for(room, mode=DepartmentMode.STATUS, tz=TOKYO) == "Checked in 2026-11-25"


def test_a_stored_time_without_a_zone_is_read_as_utc() -> None:
    room = _vacant(datetime(2026, 11, 25, 6, 30))
    assert department_for(room, mode=DepartmentMode.STATUS, tz=LOS_ANGELES) == (
        "Checked out 2026-11-24"
    )


def test_status_without_a_known_date() -> None:
    assert department_for(_occupied(None), mode=DepartmentMode.STATUS, tz=UTC) == "Checked in"
    assert department_for(_vacant(None), mode=DepartmentMode.STATUS, tz=UTC) == "Vacant"


@pytest.mark.parametrize("state", [_occupied(None, "1204"), _vacant(None, "1204")])
def test_room_mode_shows_the_room_number(state: RoomState) -> None:
    assert department_for(state, mode=DepartmentMode.ROOM, tz=UTC) == "Room 1204"


def test_site_mode_shows_the_site_name() -> None:
    department = department_for(_vacant(None), mode=DepartmentMode.SITE,
                                site_name="Harbour View Hotel", tz=UTC)
    assert department == "Harbour View Hotel"


def test_text_mode_shows_the_fixed_text_in_any_script() -> None:
    department = department_for(_occupied(None), mode=DepartmentMode.TEXT,
                                text="  Gäste\tZimmer 客房 ", tz=UTC)
    assert department == "Gäste Zimmer 客房"


def test_a_long_fixed_text_is_cut_to_zooms_limit() -> None:
    department = department_for(_occupied(None), mode=DepartmentMode.TEXT, text="x" * 200, tz=UTC)
    assert department == "x" * DEPARTMENT_MAX


def test_modes_read_from_settings_strings() -> None:
    assert DepartmentMode("status") is DepartmentMode.STATUS
    assert [mode.value for mode in DepartmentMode] == ["disabled", "status", "room", "site", "text"]
