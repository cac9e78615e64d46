"""Events enter once, in order, all-or-nothing per batch; the fold sees its own batch."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from connector.events.models import Event
from connector.rooms.state import RoomState
from connector.store import Received, RoomView, Store, StoreMisuse
from tests.store.factories import (
    MORNING,
    CountingFold,
    check_in,
    check_out,
    fold,
    guest_names,
    resync_end,
    resync_start,
    room_move,
)
from tests.support.fake_clock import FakeClock


class FrontDeskTypo(Exception):
    """What a fold might raise on an event it cannot make sense of."""


def test_a_new_event_is_acknowledged_with_its_place_in_the_inbox(store: Store) -> None:
    first, second = check_in("101"), check_in("102")

    received = store.ingest([first, second], fold)

    assert received == [Received(first.id, 1, False), Received(second.id, 2, False)]
    assert guest_names(store.room("101")) == ["Ada Lovelace"]


def test_a_duplicate_delivery_is_acknowledged_and_not_folded_twice(store: Store) -> None:
    counting = CountingFold()
    arrival = check_in("101", event_id="pms-42")
    store.ingest([arrival], counting)

    again = store.ingest([check_in("101", event_id="pms-42")], counting)

    assert again == [Received("pms-42", 1, duplicate=True)]
    assert counting.folded == ["pms-42"]
    room = store.room("101")
    assert room is not None and room.version == 1 and len(room.stays) == 1


def test_the_same_event_twice_in_one_batch_is_folded_once(store: Store) -> None:
    counting = CountingFold()
    arrival = check_in("101")

    received = store.ingest([arrival, arrival], counting)

    assert [r.duplicate for r in received] == [False, True]
    assert received[1].seq == received[0].seq
    assert counting.folded == [arrival.id]


def test_a_batch_is_all_or_nothing_when_the_fold_raises(store: Store) -> None:
    good, bad = check_in("101"), check_in("102")

    def fails_on_102(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        if getattr(event, "room", None) == "102":
            raise FrontDeskTypo("room 102 does not exist")
        return fold(event, seq, rooms)

    with pytest.raises(FrontDeskTypo):
        store.ingest([resync_start(), good, bad], fails_on_102)

    assert store.room("101") is None
    assert store.event_status(good.id) is None
    assert store.meta("resync") is None
    assert store.counts().events == 0
    # The seqs the failed batch used were never seen by anyone, so none is skipped.
    assert store.ingest([good], fold)[0].seq == 1


def test_a_room_move_in_one_batch_sees_the_check_in_before_it(store: Store) -> None:
    store.ingest([check_in("101"), room_move("101", "205")], fold)

    assert guest_names(store.room("205")) == ["Ada Lovelace"]
    assert guest_names(store.room("101")) == []
    assert store.dirty_rooms() == ["101", "205"]


def test_the_fold_sees_a_resync_flag_set_earlier_in_its_batch(store: Store) -> None:
    seen: list[str | None] = []

    def watching(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        changed = fold(event, seq, rooms)
        seen.append(rooms.meta("resync"))
        return changed

    store.ingest([resync_start("night"), check_in("101"), resync_end("night")], watching)

    assert seen == ["night", "night", None]
    assert store.meta("resync") is None


def test_the_fold_sees_every_room_including_those_written_in_its_batch(store: Store) -> None:
    store.ingest([check_in("101")], fold)
    seen: list[list[str]] = []

    def listing(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        changed = fold(event, seq, rooms)
        seen.append(sorted(rooms.all()))
        return changed

    store.ingest([check_in("102"), check_in("103")], listing)

    assert seen == [["101"], ["101", "102"]]


def test_the_time_an_event_was_received_comes_from_the_clock(
    store: Store, clock: FakeClock
) -> None:
    clock.advance(90)
    arrival = check_in("101")
    store.ingest([arrival], fold)

    status = store.event_status(arrival.id)

    assert status is not None
    assert status.received_at == clock.now()


def test_an_empty_batch_is_nothing(store: Store) -> None:
    assert store.ingest([], fold) == []


def test_a_fold_that_returns_a_room_unchanged_records_no_change(store: Store) -> None:
    store.ingest([check_in("101")], fold)

    def echoes(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        room = rooms.get("101")
        assert room is not None
        return {"101": room}

    noop = check_out("999")
    store.ingest([noop], echoes)

    status = store.event_status(noop.id)
    assert status is not None and status.rooms == []


def test_a_fold_that_changes_a_room_without_raising_its_version_is_refused(
    store: Store,
) -> None:
    def forgets_version(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        return {"101": RoomState(room="101", message_waiting=True)}

    arrival = check_in("101")
    with pytest.raises(StoreMisuse, match="room 101 but gave it version 0"):
        store.ingest([arrival], forgets_version)

    assert store.event_status(arrival.id) is None


def test_a_fold_that_files_a_room_under_another_number_is_refused(store: Store) -> None:
    def misfiles(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        return {"101": RoomState(room="102", version=1)}

    with pytest.raises(StoreMisuse, match="state of room 102 under the key 101"):
        store.ingest([check_in("101")], misfiles)


def test_a_fold_cannot_commit_behind_its_batch_by_writing_through_the_store(
    store: Store,
) -> None:
    def sneaky(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        store.set_meta("resync", "x")
        return {}

    with pytest.raises(StoreMisuse, match="from inside a fold"):
        store.ingest([resync_start()], sneaky)

    assert store.counts().events == 0
    # The store is usable again afterwards.
    store.set_meta("resync", "y")
    assert store.meta("resync") == "y"


def test_a_room_view_kept_after_its_batch_refuses_to_be_used(store: Store) -> None:
    kept: list[RoomView] = []

    def keeps(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        kept.append(rooms)
        return {}

    store.ingest([resync_start()], keeps)

    with pytest.raises(StoreMisuse, match="after its ingest ended"):
        kept[0].set_meta("resync", "late")


def test_events_keep_the_time_the_pms_gave_them_in_any_zone(store: Store) -> None:
    arrival = check_in("101")
    store.ingest([arrival], fold)

    room = store.room("101")

    assert room is not None and room.stays[0].checked_in_at == MORNING
