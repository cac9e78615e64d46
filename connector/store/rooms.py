"""Room desired state, the versions events produced, and which rooms Zoom still lags on.

A room is dirty while its desired `version` is above `confirmed_version`, the highest version
the reconciler has confirmed in Zoom. Confirmed versions only ever go up, so an event once
applied stays applied; a forced re-check raises the desired version instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from connector.rooms.state import RoomState
from connector.store.errors import StoreMisuse


def get(conn: sqlite3.Connection, room: str) -> RoomState | None:
    row = conn.execute("SELECT state FROM rooms WHERE room = ?", (room,)).fetchone()
    return None if row is None else RoomState.model_validate_json(row[0])


def all_rooms(conn: sqlite3.Connection) -> dict[str, RoomState]:
    rows = conn.execute("SELECT room, state FROM rooms ORDER BY room")
    return {room: RoomState.model_validate_json(state) for room, state in rows}


def apply_change(
    conn: sqlite3.Connection, *, path: str, room: str, state: RoomState, seq: int,
    event_id: str, before: RoomState | None,
) -> bool:
    """Store what a fold made of `room` for event `event_id`, where `before` is the room as
    stored now (the caller has it); False when it is no change."""
    if state.room != room:
        raise StoreMisuse(
            f"The fold of event {event_id} returned the state of room {state.room} under the "
            f"key {room}: the key must be the state's own room.",
            path=path,
        )
    stored_version = 0 if before is None else before.version
    # A new version is a change: the whole states are compared only when it is not.
    if state.version == stored_version and before == state:
        return False
    if state.version <= stored_version:
        raise StoreMisuse(
            f"The fold of event {event_id} changed room {room} but gave it version "
            f"{state.version}, not above the stored {stored_version}: every change must raise "
            "the version, or the reconciler would never pick it up.",
            path=path,
        )
    _write(conn, state)
    conn.execute(
        "INSERT INTO room_changes (room, version, seq, event_id) VALUES (?, ?, ?, ?)",
        (room, state.version, seq, event_id),
    )
    return True


def _write(conn: sqlite3.Connection, state: RoomState) -> None:
    conn.execute(
        "INSERT INTO rooms (room, state, version) VALUES (?, ?, ?)"
        " ON CONFLICT (room) DO UPDATE SET state = excluded.state, version = excluded.version",
        (state.room, state.model_dump_json(), state.version),
    )


def confirm(conn: sqlite3.Connection, *, path: str, room: str, version: int) -> None:
    """Zoom has `room` as of `version` (confirmed versions never go down)."""
    row = conn.execute("SELECT version FROM rooms WHERE room = ?", (room,)).fetchone()
    desired = 0 if row is None else int(row[0])
    if version > desired:
        raise StoreMisuse(
            f"Cannot confirm version {version} of room {room}: its desired state is only at "
            f"version {desired}. Confirm the version of the state that was applied.",
            path=path,
        )
    conn.execute(
        "UPDATE rooms SET confirmed_version = max(confirmed_version, ?) WHERE room = ?",
        (version, room),
    )


def confirmed_version(conn: sqlite3.Connection, room: str) -> int:
    row = conn.execute("SELECT confirmed_version FROM rooms WHERE room = ?", (room,)).fetchone()
    return 0 if row is None else int(row[0])


# A room's oldest unconfirmed change: the seq the reconciler orders dirty rooms by.
_OLDEST_UNCONFIRMED = (
    "SELECT r.room, min(c.seq) FROM rooms AS r"
    " JOIN room_changes AS c ON c.room = r.room AND c.version > r.confirmed_version"
    " WHERE r.version > r.confirmed_version"
)


def dirty_since(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every room Zoom lags on, with the inbox seq of its oldest unconfirmed change, oldest
    first (ties by room). A join over every dirty room: for start-up, not every loop turn."""
    rows = conn.execute(f"{_OLDEST_UNCONFIRMED} GROUP BY r.room ORDER BY min(c.seq), r.room")
    return [(room, int(seq)) for room, seq in rows]


def oldest_unconfirmed(conn: sqlite3.Connection, rooms: Iterable[str]) -> dict[str, int | None]:
    """Per room, what `dirty_since` says of it: the seq of its oldest unconfirmed change, or
    None when Zoom has all of it (or it has no state). One indexed look-up a room."""
    oldest: dict[str, int | None] = {}
    for room in rooms:
        row = conn.execute(f"{_OLDEST_UNCONFIRMED} AND r.room = ?", (room,)).fetchone()
        oldest[room] = None if row is None or row[1] is None else int(row[1])
    return oldest


def mark_dirty(conn: sqlite3.Connection, rooms: Iterable[str] | None, *, seq: int) -> None:
    """Make rooms dirty again so the reconciler re-checks them against Zoom (a full pass).

    The desired version goes up by one with no event behind it, so confirmations and event
    statuses already given stay true. `seq` (the last inbox seq) orders the re-check after
    every change already received. Rooms with no desired state are skipped: there is nothing
    stored to re-check them against.
    """
    names = (
        [room for (room,) in conn.execute("SELECT room FROM rooms ORDER BY room")]
        if rooms is None
        else list(dict.fromkeys(rooms))
    )
    for room in names:
        state = get(conn, room)
        if state is None:
            continue
        bumped = state.model_copy(update={"version": state.version + 1})
        _write(conn, bumped)
        conn.execute(
            "INSERT INTO room_changes (room, version, seq, event_id) VALUES (?, ?, ?, NULL)",
            (room, bumped.version, seq),
        )


def events_for_version(
    conn: sqlite3.Connection, room: str, after_version: int, up_to_version: int
) -> list[str]:
    rows = conn.execute(
        "SELECT event_id FROM room_changes WHERE room = ? AND version > ? AND version <= ?"
        " AND event_id IS NOT NULL ORDER BY version",
        (room, after_version, up_to_version),
    )
    return [event_id for (event_id,) in rows]


def count(conn: sqlite3.Connection) -> tuple[int, int]:
    """(rooms with state, dirty rooms)."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum(version > confirmed_version), 0) FROM rooms"
    ).fetchone()
    return int(row[0]), int(row[1])
