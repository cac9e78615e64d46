"""Guests with everything personal a PMS sends (title, names, VIP text, language), and a
search of every table of a store file for what they were called."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from connector.events.models import CheckIn, CheckOut, Guest, GuestChange


def guest(last_name: str, first_name: str = "Ada") -> Guest:
    return Guest(title="Dr", first_name=first_name, last_name=last_name, vip=f"Gold {last_name}",
                 language="FR")


def arrives(room: str, reservation: str | None, at: datetime, last_name: str, *,
            share: bool = False) -> CheckIn:
    return CheckIn(id=f"in-{reservation or room}-{at:%m%d}", occurred_at=at, room=room,
                   reservation=reservation, share=share, guests=[guest(last_name)])


def renamed(room: str, reservation: str | None, at: datetime, last_name: str) -> GuestChange:
    return GuestChange(id=f"change-{reservation or room}-{at:%m%d%H}", occurred_at=at,
                       room=room, reservation=reservation, guests=[guest(last_name)])


def leaves(room: str, reservation: str | None, at: datetime) -> CheckOut:
    return CheckOut(id=f"out-{reservation or room}-{at:%m%d}", occurred_at=at, room=room,
                    reservation=reservation)


def found_in(path: Path, *needles: str, tables: tuple[str, ...] = ()) -> set[str]:
    """Which of `needles` appear anywhere in the store file's tables (any column, any row),
    or in `tables` only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = tables or tuple(name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
        found: set[str] = set()
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(value) for value in row)
                found.update(needle for needle in needles if needle in text)
        return found
    finally:
        conn.close()
