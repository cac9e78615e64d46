"""The inbox: every event the PMS sent, stored before it is acknowledged, once per id."""

from __future__ import annotations

import sqlite3

from connector.events.models import AnyEvent
from connector.store.timestamps import to_text


def add(conn: sqlite3.Connection, event: AnyEvent, received_at: str,
        occurred_at: str | None = None) -> int | None:
    """Store `event`; its seq, or None when an event with its id is already in.
    `occurred_at`: the event's time as `to_text` writes it, if the caller has it already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO inbox (event_id, type, occurred_at, received_at, body)"
        " VALUES (?, ?, ?, ?, ?)",
        (event.id, event.type, occurred_at or to_text(event.occurred_at), received_at,
         event.model_dump_json()),
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def seq_of(conn: sqlite3.Connection, event_id: str) -> int | None:
    row = conn.execute("SELECT seq FROM inbox WHERE event_id = ?", (event_id,)).fetchone()
    return None if row is None else int(row[0])


def last_seq(conn: sqlite3.Connection) -> int:
    """The highest seq given so far (0 before the first event)."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM inbox").fetchone()[0])


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
