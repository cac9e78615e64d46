"""The audit journal: what the connector changed in Zoom, when, and which events caused it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

import pydantic_core

from connector.store.records import JournalEntry
from connector.store.timestamps import from_text


def add(
    conn: sqlite3.Connection,
    *,
    room: str,
    change: str,
    detail: Mapping[str, object],
    event_ids: Sequence[str],
    at: str,
) -> None:
    # pydantic's encoder takes what callers naturally put in a detail (datetimes, enums,
    # models) and refuses what it cannot write, instead of storing a repr.
    conn.execute(
        "INSERT INTO journal (room, at, change, detail, event_ids) VALUES (?, ?, ?, ?, ?)",
        (
            room,
            at,
            change,
            pydantic_core.to_json(dict(detail)).decode(),
            json.dumps(list(event_ids)),
        ),
    )


def entries(conn: sqlite3.Connection, room: str | None, limit: int) -> list[JournalEntry]:
    """Newest first; ties in time are broken by the order they were written."""
    if room is None:
        rows = conn.execute(
            "SELECT id, room, change, detail, event_ids, at FROM journal"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (limit,),
        )
    else:
        rows = conn.execute(
            "SELECT id, room, change, detail, event_ids, at FROM journal WHERE room = ?"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (room, limit),
        )
    return [
        JournalEntry(
            id=entry_id,
            room=entry_room,
            change=change,
            detail=json.loads(detail),
            event_ids=tuple(json.loads(event_ids)),
            at=from_text(at),
        )
        for entry_id, entry_room, change, detail, event_ids, at in rows
    ]
