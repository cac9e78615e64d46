"""What we know of each room's Zoom state."""

from __future__ import annotations

import sqlite3

from connector.rooms.known import KnownZoom


def get(conn: sqlite3.Connection, room: str) -> KnownZoom:
    """What is known of `room` in Zoom; everything unknown when nothing was saved."""
    row = conn.execute("SELECT state FROM known WHERE room = ?", (room,)).fetchone()
    return KnownZoom() if row is None else KnownZoom.model_validate_json(row[0])


def save(conn: sqlite3.Connection, room: str, known: KnownZoom, saved_at: str) -> None:
    conn.execute(
        "INSERT INTO known (room, state, saved_at) VALUES (?, ?, ?)"
        " ON CONFLICT (room) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at",
        (room, known.model_dump_json(), saved_at),
    )
