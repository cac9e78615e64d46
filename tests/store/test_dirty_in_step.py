"""The rooms waiting for Zoom are answered from memory: they must always be what the database
says (the store is the truth), through ingest, confirmation, failures, a rolled-back batch,
another process writing, and a restart."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest

from connector.events.models import Event
from connector.rooms.state import RoomState
from connector.store import Store
from connector.store import rooms as room_table
from connector.store.dirty import DirtyRooms
from connector.store.together import IngestRequest
from connector.store.view import RoomView
from tests.store.factories import check_in, check_out, dnd, fold, room_move
from tests.support.fake_clock import FakeClock


def in_the_database(path: Path) -> list[str]:
    """What the store's own query says, on a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return [room for room, _seq in room_table.dirty_since(conn)]
    finally:
        conn.close()


def test_waiting_rooms_follow_check_ins_confirmations_and_failures(db_path: Path,
                                                                    clock: FakeClock) -> None:
    with Store(db_path, clock=clock) as store:
        store.ingest([check_in("101"), check_in("102"), room_move("102", "103")], fold)
        assert store.dirty_rooms() == ["101", "102", "103"] == in_the_database(db_path)

        store.confirm("102", 2)  # the move reached Zoom for the old room
        store.record_failure("101", "Zoom said no", attempts=1, final=False)
        store.ingest([dnd("101")], fold)  # a failing room stays where it waited since
        assert store.dirty_rooms() == ["101", "103"] == in_the_database(db_path)

        store.confirm("101", 1)  # the check-in is in Zoom, the DND not yet: it waits anew
        assert store.dirty_rooms() == ["103", "101"] == in_the_database(db_path)


def breaks_at(room: str):  # type: ignore[no-untyped-def]
    """The fold, failing on the first event for `room` (a bug, a full disk)."""

    def folding(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        if getattr(event, "room", None) == room:
            raise RuntimeError("the fold broke")
        return fold(event, seq, rooms)

    return folding


def test_a_batch_that_fails_leaves_the_waiting_rooms_as_they_were(store: Store) -> None:
    store.ingest([check_in("101")], fold)
    store.dirty_rooms()

    with pytest.raises(RuntimeError):
        store.ingest([check_in("201"), check_in("202")], breaks_at("202"))

    assert store.dirty_rooms() == ["101"]  # 201 was rolled back with its batch


def test_requests_committed_together_keep_the_waiting_rooms_in_step(
    db_path: Path, clock: FakeClock,
) -> None:
    store = Store(db_path, clock=clock)
    store.ingest([check_in("101")], fold)
    store.dirty_rooms()

    outcomes = store.ingest_together([
        IngestRequest([check_in("201")], fold),
        IngestRequest([check_in("202"), check_in("203")], breaks_at("203")),
        IngestRequest([check_in("204")], fold),
    ])

    assert isinstance(outcomes[1], RuntimeError)  # that request alone was rolled back
    assert store.dirty_rooms() == ["101", "201", "204"] == in_the_database(db_path)
    store.close()


def test_a_restart_finds_the_rooms_zoom_still_lacks(db_path: Path, clock: FakeClock) -> None:
    with Store(db_path, clock=clock) as store:
        store.ingest([check_in("101"), check_in("102"), check_in("103")], fold)
        store.confirm("102", 1)
        store.mark_dirty(["102"])  # a re-check waits from the last event received, 103's
        store.ingest([check_in("104")], fold)
        store.confirm("101", 1)

    with Store(db_path, clock=clock) as restarted:
        assert restarted.dirty_rooms() == ["102", "103", "104"] == in_the_database(db_path)


def test_a_room_another_process_changed_is_seen(db_path: Path, clock: FakeClock) -> None:
    with Store(db_path, clock=clock) as serving, Store(db_path, clock=clock) as cli:
        serving.ingest([check_in("101")], fold)
        assert serving.dirty_rooms() == ["101"]

        cli.ingest([check_in("102")], fold)  # e.g. a command run beside the service
        cli.confirm("101", 1)

        assert serving.dirty_rooms() == ["102"]


def test_a_full_re_check_makes_every_room_wait(store: Store) -> None:
    store.ingest([check_in("102"), check_in("101")], fold)
    store.confirm("101", 1)
    store.confirm("102", 1)
    assert store.dirty_rooms() == []

    store.mark_dirty()

    assert store.dirty_rooms() == ["101", "102"]  # re-checks of one moment go by room


def test_a_busy_day_keeps_memory_and_database_in_step(db_path: Path, clock: FakeClock) -> None:
    """Random check-ins, check-outs, DND, moves, confirmations of any version, re-checks and
    failed batches: after each step the answer from memory is the database's."""
    chance = random.Random(13)
    rooms = [str(n) for n in range(101, 113)]
    with Store(db_path, clock=clock) as store:
        for step in range(400):
            room = chance.choice(rooms)
            roll = chance.random()
            if roll < 0.35:
                other = chance.choice([r for r in rooms if r != room])
                moves = [room_move(room, other)] if store.room(room) is not None else []
                event = chance.choice([check_in(room), check_out(room), dnd(room), *moves])
                store.ingest([event], fold)
            elif roll < 0.45:
                with pytest.raises(RuntimeError):
                    store.ingest([check_in(room), dnd(room)], breaks_at(room))
            elif roll < 0.8:
                state = store.room(room)
                if state is not None:
                    store.confirm(room, chance.randint(0, state.version))
            elif roll < 0.9:
                store.mark_dirty(chance.sample(rooms, 3))
            else:
                store.record_failure(room, "Zoom said no", attempts=1, final=False)
            assert store.dirty_rooms() == in_the_database(db_path), f"after step {step}"


def test_the_order_is_the_oldest_waiting_change_then_the_room() -> None:
    dirty = DirtyRooms([("103", 5), ("101", 5), ("102", 2)])
    assert dirty.ordered() == ["102", "101", "103"]

    dirty.update({"102": 7, "104": 6, "101": None})  # 102 half confirmed, 101 all of it

    assert dirty.ordered() == ["103", "104", "102"]
    assert "101" not in dirty and len(dirty) == 3
