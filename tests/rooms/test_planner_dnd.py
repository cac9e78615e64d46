"""The DND rule of the planner after a crash: a DND whose answer was never recorded may be on
in Zoom, so a room that should not be on DND clears it; nothing else changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.events.models import Guest
from connector.rooms.changes import ClearDnd, SetDnd
from connector.rooms.known import KnownZoom
from connector.rooms.planner import RoomPolicy, Target, plan
from connector.rooms.state import DndWish, RoomState, Stay

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
PHONE = Target("user", "u307", "2307")


def _occupied(dnd: bool = False) -> RoomState:
    stay = Stay(reservation="R307", guests=(Guest(first_name="Ana", last_name="Lima"),),
                checked_in_at=NOW - timedelta(days=1))
    return RoomState(room="307", stays=(stay,), dnd=DndWish(on=dnd))


def _dnd_changes(desired: RoomState, known: KnownZoom) -> list[object]:
    changes = plan(desired, known, PHONE, RoomPolicy(), NOW).changes
    return [c for c in changes if isinstance(c, SetDnd | ClearDnd)]


def test_a_vacant_room_clears_a_dnd_that_may_have_been_set() -> None:
    assert _dnd_changes(RoomState(room="307"), KnownZoom(dnd_maybe_on=True)) == [ClearDnd()]


def test_a_guest_without_dnd_gets_it_cleared_when_it_may_be_on() -> None:
    may_be_on = KnownZoom(dnd=False, dnd_maybe_on=True)
    assert _dnd_changes(_occupied(), may_be_on) == [ClearDnd()]


def test_a_guest_on_dnd_gets_it_set_whatever_may_be_on() -> None:
    [change] = _dnd_changes(_occupied(dnd=True), KnownZoom(dnd=False, dnd_maybe_on=True))
    assert isinstance(change, SetDnd)


def test_a_vacant_room_where_no_dnd_was_sent_is_left_alone() -> None:
    assert _dnd_changes(RoomState(room="307"), KnownZoom(dnd=False)) == []
    assert _dnd_changes(RoomState(room="307"), KnownZoom()) == []


def test_a_common_area_has_no_presence_to_clear() -> None:
    area = Target("common_area", "ca307", "2307")
    changes = plan(RoomState(room="307"), KnownZoom(dnd_maybe_on=True), area, RoomPolicy(),
                   NOW).changes
    assert not [c for c in changes if isinstance(c, SetDnd | ClearDnd)]
