"""Which rooms Zoom still lags on, in the order they started lagging; confirmations, forced
re-checks, failures and what caused each version."""

from __future__ import annotations

import pytest

from connector.store import Failure, Store, StoreCounts, StoreMisuse
from tests.store.factories import check_in, check_out, dnd, fold, room_move
from tests.support.fake_clock import FakeClock


def test_a_room_is_dirty_from_its_first_change_until_zoom_has_its_latest(store: Store) -> None:
    store.ingest([check_in("101"), check_in("102"), dnd("101")], fold)
    assert store.dirty_rooms() == ["101", "102"]

    store.confirm("101", 1)  # the check-in reached Zoom, the DND not yet
    assert store.dirty_rooms() == ["102", "101"]

    store.confirm("101", 2)
    store.confirm("102", 1)
    assert store.dirty_rooms() == []


def test_a_confirmation_never_goes_backwards(store: Store) -> None:
    store.ingest([check_in("101"), dnd("101")], fold)
    store.confirm("101", 2)

    store.confirm("101", 1)  # a slow reconciler reporting an older apply

    assert store.dirty_rooms() == []
    assert store.confirmed_version("101") == 2
    assert store.confirmed_version("999") == 0


def test_confirming_a_version_the_room_has_not_reached_is_refused(store: Store) -> None:
    store.ingest([check_in("101")], fold)

    with pytest.raises(StoreMisuse, match="only at version 1"):
        store.confirm("101", 2)


def test_a_full_pass_makes_every_room_dirty_after_those_already_waiting(store: Store) -> None:
    store.ingest([check_in("103"), check_in("101"), check_in("102")], fold)
    store.confirm("101", 1)
    store.confirm("102", 1)

    store.mark_dirty()
    store.ingest([check_in("104")], fold)

    assert store.dirty_rooms() == ["103", "101", "102", "104"]


def test_a_re_check_of_some_rooms_leaves_the_others_alone(store: Store) -> None:
    store.ingest([check_in("101"), check_in("102")], fold)
    store.confirm("101", 1)
    store.confirm("102", 1)

    store.mark_dirty(["102", "999"])  # 999 has no state: nothing to re-check

    assert store.dirty_rooms() == ["102"]
    assert store.room("999") is None


def test_a_re_checked_room_is_clean_once_its_new_version_is_confirmed(store: Store) -> None:
    store.ingest([check_in("101")], fold)
    store.confirm("101", 1)
    store.mark_dirty(["101"])

    room = store.room("101")
    assert room is not None and room.version == 2
    store.confirm("101", room.version)

    assert store.dirty_rooms() == []


def test_a_re_check_caused_by_no_event_lists_no_cause(store: Store) -> None:
    arrival, quiet = check_in("101"), dnd("101")
    store.ingest([arrival, quiet], fold)
    store.mark_dirty(["101"])

    assert store.events_for_version("101", 0, 3) == [arrival.id, quiet.id]
    assert store.events_for_version("101", 1, 2) == [quiet.id]
    assert store.events_for_version("101", 2, 3) == []


def test_a_room_move_is_the_cause_of_both_rooms_changes(store: Store) -> None:
    arrival, move = check_in("101"), room_move("101", "205")
    store.ingest([arrival, move], fold)

    assert store.events_for_version("101", 0, 2) == [arrival.id, move.id]
    assert store.events_for_version("205", 0, 1) == [move.id]


def test_failures_are_listed_until_a_later_confirmation_overtakes_them(
    store: Store, clock: FakeClock
) -> None:
    store.ingest([check_in("101"), check_in("102")], fold)
    store.record_failure("101", "Zoom answered 503", attempts=1, final=False)
    clock.advance(60)
    store.record_failure("101", "Zoom answered 503", attempts=3, final=True)
    store.record_failure("102", "user deleted", attempts=3, final=True)

    assert store.failures() == [
        Failure("101", "Zoom answered 503", 3, True, clock.now()),
        Failure("102", "user deleted", 3, True, clock.now()),
    ]

    store.confirm("101", 1)
    store.clear_failure("102")
    assert store.failures() == []


def test_a_failure_of_a_newer_version_survives_confirming_an_older_one(store: Store) -> None:
    store.ingest([check_in("101"), dnd("101")], fold)
    store.record_failure("101", "presence update refused", attempts=5, final=True)

    store.confirm("101", 1)

    assert [f.room for f in store.failures()] == ["101"]


def test_a_failure_can_be_recorded_for_a_room_the_pms_never_mentioned(store: Store) -> None:
    store.record_failure("999", "extension not found", attempts=1, final=True)

    assert [f.room for f in store.failures()] == ["999"]


def test_counts_tell_status_how_the_hotel_is_doing(store: Store) -> None:
    store.ingest([check_in("101"), check_in("102"), check_in("103"), check_out("103")], fold)
    store.confirm("101", 1)
    store.record_failure("102", "Zoom answered 503", attempts=1, final=False)
    store.record_failure("103", "user deleted", attempts=3, final=True)

    assert store.counts() == StoreCounts(events=4, rooms=3, dirty=2, failed=1)
