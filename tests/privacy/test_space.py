"""Erased and pruned space goes back to the disk: a new store is made for it, and a store made
by an older connector is switched over once when it opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from connector.store import Store
from connector.store.schema import MIGRATIONS


def auto_vacuum(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA auto_vacuum").fetchone()[0])


def test_a_new_store_gives_freed_pages_back(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    Store(path).close()

    assert auto_vacuum(path) == 2  # incremental


def test_a_store_from_an_older_connector_is_switched_over_once(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)")
        for version, statements in enumerate(MIGRATIONS[:6], start=1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, '2026-12-01')", (version,))
    conn.close()
    assert auto_vacuum(path) == 0

    with Store(path) as store:
        assert store.counts().events == 0

    assert auto_vacuum(path) == 2
