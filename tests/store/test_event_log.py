"""The event log: what each PMS event did to each room, kept with the event in its ingest
transaction, for `connector status --room` long after the log lines have rotated away."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

import pytest

from connector.events.models import AnyEvent
from connector.rooms.desired import fold
from connector.rooms.narrate import narrate
from connector.rooms.state import RoomState
from connector.store import RoomView, Store
from tests.store.factories import MORNING, check_in, check_out, dnd, room_move


def _words(event: AnyEvent, before: Mapping[str, RoomState],
           after: Mapping[str, RoomState]) -> Mapping[str, str]:
    return narrate(event, before, after, UTC)


def _send(store: Store, *events: AnyEvent, source: str = "fias") -> None:
    store.ingest(list(events), fold, source=source, narrate=_words)


def test_a_room_shows_its_events_newest_first_with_what_each_did(store: Store) -> None:
    _send(store, check_in("203", reservation="4711"))
    _send(store, dnd("203"), source="webhook")

    newest, oldest = store.room_events("203")

    assert (newest.type, newest.source, newest.outcome, newest.words) == (
        "dnd", "webhook", "changed", "room 203 DND on")
    assert (oldest.type, oldest.source, oldest.reservation, oldest.outcome) == (
        "check_in", "fias", "4711", "changed")
    assert oldest.words == "room 203 occupied, 1 guest; voicemail before 09:00 UTC to purge"
    assert oldest.received_at == MORNING and oldest.occurred_at == MORNING


def test_no_guest_name_is_kept_in_the_event_log(store: Store) -> None:
    _send(store, check_in("203", first="Ana", last="Lima"))

    [event] = store.room_events("203")

    assert "Ana" not in repr(event) and "Lima" not in repr(event)


def test_a_repeat_and_a_duplicate_delivery_are_told_apart(store: Store) -> None:
    arrival = check_in("203", event_id="pms-1")
    _send(store, arrival)

    _send(store, check_in("203", event_id="pms-2"))  # the PMS says it again, as a new event
    _send(store, arrival)  # the same event delivered twice

    duplicate, repeat, _ = store.room_events("203")
    assert (duplicate.event_id, duplicate.outcome, duplicate.words) == (
        "pms-1", "duplicate", "no change (duplicate)")
    assert (repeat.event_id, repeat.outcome, repeat.words) == (
        "pms-2", "no change", "no change (already so)")


def test_a_move_is_in_both_rooms_history(store: Store) -> None:
    _send(store, check_in("203"))

    _send(store, room_move("203", "305"))

    assert store.room_events("203")[0].words.startswith("room 203 vacant")
    assert store.room_events("305")[0].words.startswith("room 305 occupied, 1 guest")


def test_only_the_newest_events_are_read(store: Store) -> None:
    _send(store, check_in("203"))
    for _ in range(5):
        _send(store, dnd("203"))

    assert len(store.room_events("203", limit=3)) == 3
    assert store.room_events("999") == []


def test_a_batch_that_fails_leaves_nothing_in_the_event_log(store: Store) -> None:
    def refuses_the_check_out(event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
        if event.type == "check_out":
            raise ValueError("the fold could not make sense of it")
        return fold(event, seq, rooms)

    with pytest.raises(ValueError):
        store.ingest([check_in("203"), check_out("203")], refuses_the_check_out,
                     narrate=_words)

    assert store.room_events("203") == []


def test_without_a_narrator_nothing_is_logged(store: Store) -> None:
    store.ingest([check_in("203")], fold)

    assert store.room_events("203") == []
