"""A file from before attempts were kept (schema version 8) is brought forward with its
wake-ups as they were: their count and last outcome stay, and the next call is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from connector.store import Store
from connector.store.schema import LATEST, MIGRATIONS, current_version
from tests.support.fake_clock import FakeClock

BEFORE = "2026-03-10T06:00:00.000000+00:00"


def a_version_8_file(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)")
        for version, statements in enumerate(MIGRATIONS[:8], start=1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, '2026-03-01')", (version,))
        # Room 101 was woken yesterday after two calls; room 102 is due in an hour.
        conn.execute(
            "INSERT INTO wakeup_jobs (room, requested_at, set_by_event, state, due_at, tries,"
            " attempts, last_outcome, created_at, finished_at, answer) VALUES"
            " ('101', ?, 'evt-1', 'done', ?, 2, 2, 'confirmed', ?, ?, 'OK')",
            (BEFORE, BEFORE, BEFORE, BEFORE))
        conn.execute(
            "INSERT INTO wakeup_jobs (room, requested_at, set_by_event, due_at, created_at)"
            " VALUES ('102', '2026-03-10T10:00:00.000000+00:00', 'evt-2',"
            " '2026-03-10T10:00:00.000000+00:00', ?)", (BEFORE,))
    conn.close()


def test_a_version_8_file_keeps_its_wakeups_and_keeps_each_call_from_then_on(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    a_version_8_file(path)
    clock = FakeClock()

    with Store(path, clock=clock) as store:
        old, new = store.wakeup_jobs()
        assert (old.room, old.attempts, old.last_outcome, old.answer) == (
            "101", 2, "confirmed", "OK")
        assert store.wakeup_attempts([old.id, new.id]) == {}  # no call of theirs was kept
        assert store.start_wakeup_tries([new.id]) == {new.id}
        [attempt] = store.wakeup_attempts([new.id])[new.id]

    assert (attempt.attempt, attempt.started_at, attempt.outcome) == (1, clock.now(), None)
    with sqlite3.connect(path) as conn:
        assert current_version(conn) == LATEST >= 9
    conn.close()
