"""Which stay held a room when: kept from the PMS's events, and brought along from a file
made before call accounting existed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connector.events.models import CheckIn, CheckOut, Guest
from connector.rooms.desired import fold
from connector.rooms.state import RoomState, Stay
from connector.store import Store
from connector.store.schema import MIGRATIONS

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_a_stay_holds_the_room_from_check_in_to_check_out() -> None:
    store = Store(":memory:")
    store.ingest([CheckIn(id="in", occurred_at=NOON, room="101", reservation="R-7",
                          guests=[Guest(last_name="Lovelace")])], fold)
    store.ingest([CheckOut(id="out", occurred_at=NOON + timedelta(hours=20), room="101",
                           reservation="R-7")], fold)

    assert store.stays_at("101", NOON - timedelta(minutes=1)) == []
    [stay] = store.stays_at("101", NOON + timedelta(hours=1))
    assert (stay.reservation, stay.since, stay.until) == ("R-7", NOON, NOON + timedelta(hours=20))
    assert store.stays_at("101", NOON + timedelta(hours=21)) == []


def test_a_repeated_check_in_opens_no_second_stay() -> None:
    store = Store(":memory:")
    for event_id in ("in-1", "in-2"):
        store.ingest([CheckIn(id=event_id, occurred_at=NOON, room="101", reservation="R-7",
                              guests=[Guest(last_name="Lovelace")])], fold)

    assert len(store.stays_at("101", NOON + timedelta(hours=1))) == 1


def test_guests_in_house_when_the_file_is_upgraded_hold_their_rooms(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)")
        for version, statements in enumerate(MIGRATIONS[:5], start=1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, '2026-12-01')", (version,))
        state = RoomState(room="101", stays=(Stay(reservation="R-7", checked_in_at=NOON,
                                                  guests=(Guest(last_name="Lovelace"),)),),
                          version=1)
        conn.execute("INSERT INTO rooms (room, state, version) VALUES ('101', ?, 1)",
                     (state.model_dump_json(),))
    conn.close()

    with Store(path) as store:
        [stay] = store.stays_at("101", NOON + timedelta(days=2))

    assert (stay.reservation, stay.until) == ("R-7", None)
