"""Hotel-wide values and what we know of each room's Zoom state."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from connector.events.models import Event
from connector.rooms.known import KnownZoom
from connector.rooms.state import RoomState
from connector.store import RoomView, Store
from tests.store.factories import MORNING, check_in, fold, resync_start


def test_a_hotel_value_is_set_replaced_and_removed(store: Store) -> None:
    assert store.meta("resync") is None

    store.set_meta("resync", "night-1")
    store.set_meta("resync", "night-2")
    assert store.meta("resync") == "night-2"

    store.set_meta("resync", None)
    assert store.meta("resync") is None


def test_a_value_set_by_the_fold_is_kept_with_its_batch(store: Store) -> None:
    store.ingest([resync_start("night-1")], fold)

    assert store.meta("resync") == "night-1"


def test_a_value_set_by_the_fold_is_dropped_with_its_batch(store: Store) -> None:
    store.set_meta("resync", "before")

    def sets_then_fails(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        rooms.set_meta("resync", "during")
        assert rooms.meta("resync") == "during"
        raise RuntimeError("the PMS sent nonsense")

    with pytest.raises(RuntimeError):
        store.ingest([check_in("101")], sets_then_fails)

    assert store.meta("resync") == "before"


def test_the_fold_sees_a_value_set_outside_any_batch(store: Store) -> None:
    store.set_meta("resync", "night-1")
    seen: list[str | None] = []

    def reads(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        seen.append(rooms.meta("resync"))
        return fold(event, seq, rooms)

    store.ingest([check_in("101")], reads)

    assert seen == ["night-1"]


def test_nothing_is_known_of_a_room_never_seen_in_zoom(store: Store) -> None:
    assert store.known("101") == KnownZoom()


def test_what_we_learn_of_a_room_in_zoom_replaces_what_we_knew(store: Store) -> None:
    store.save_known("101", KnownZoom(display_name="Room 101 2101", dnd=False))
    store.save_known("101", KnownZoom(display_name="Ada 2101", dnd=True, dnd_until=MORNING))

    assert store.known("101") == KnownZoom(display_name="Ada 2101", dnd=True, dnd_until=MORNING)
    assert store.known("102") == KnownZoom()
