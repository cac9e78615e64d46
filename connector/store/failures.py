"""The latest failure to converge each room, with the desired version it happened at."""

from __future__ import annotations

import sqlite3

from connector.store.records import Failure
from connector.store.timestamps import from_text


def record(
    conn: sqlite3.Connection, *, room: str, error: str, attempts: int, final: bool, at: str
) -> None:
    """Replace the room's failure; it belongs to the room's current desired version."""
    conn.execute(
        "INSERT INTO failures (room, error, attempts, final, at, version)"
        " VALUES (?1, ?2, ?3, ?4, ?5,"
        "  coalesce((SELECT version FROM rooms WHERE room = ?1), 0))"
        " ON CONFLICT (room) DO UPDATE SET error = excluded.error,"
        "  attempts = excluded.attempts, final = excluded.final, at = excluded.at,"
        "  version = excluded.version",
        (room, error, attempts, int(final), at),
    )


def clear(conn: sqlite3.Connection, room: str) -> None:
    conn.execute("DELETE FROM failures WHERE room = ?", (room,))


def clear_up_to(conn: sqlite3.Connection, room: str, version: int) -> None:
    """Forget a failure that a confirmation of `version` has overtaken."""
    conn.execute("DELETE FROM failures WHERE room = ? AND version <= ?", (room, version))


def all_failures(conn: sqlite3.Connection) -> list[Failure]:
    rows = conn.execute(
        "SELECT room, error, attempts, final, at FROM failures ORDER BY at, room"
    )
    return [
        Failure(room=room, error=error, attempts=attempts, final=bool(final), at=from_text(at))
        for room, error, attempts, final, at in rows
    ]


def count_final(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM failures WHERE final = 1").fetchone()[0])
