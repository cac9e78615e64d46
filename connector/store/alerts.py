"""Alerts for the front desk, in SQL: open until someone acknowledges them (who and when).

An alert is written in the same transaction as the wake-up answer that caused it, so the
front desk's record exists whenever the PMS was told the wake-up failed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from connector.store.timestamps import from_text, to_text

AlertKind = Literal["wakeup_not_answered", "wakeup_missed"]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)


@dataclass(frozen=True)
class NewAlert:
    """An alert to record: which room, which wake-up, after how many tries, how the last
    one went."""

    kind: AlertKind
    room: str
    requested_at: datetime
    tries: int
    outcome: str


@dataclass(frozen=True)
class Alert:
    """One alert as the console shows it. `operator_call`: how the call to the operator went
    (None: no call was placed)."""

    id: int
    kind: AlertKind
    room: str
    job_id: int | None
    requested_at: datetime | None
    tries: int | None
    outcome: str | None
    created_at: datetime
    operator_call: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


def add(conn: sqlite3.Connection, alert: NewAlert, *, job_id: int | None, now: str) -> int:
    cursor = conn.execute(
        "INSERT INTO alerts (kind, room, job_id, requested_at, tries, outcome, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (alert.kind, alert.room, job_id, to_text(alert.requested_at), alert.tries,
         alert.outcome, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def open_alerts(conn: sqlite3.Connection, limit: int) -> list[Alert]:
    """Alerts nobody has acknowledged, oldest first."""
    rows = _rows(conn).execute(
        "SELECT * FROM alerts WHERE acknowledged_at IS NULL ORDER BY id LIMIT ?", (limit,)
    )
    return [_alert(row) for row in rows]


def acknowledged_alerts(conn: sqlite3.Connection, limit: int) -> list[Alert]:
    """Alerts someone has acknowledged, the latest acknowledged first."""
    rows = _rows(conn).execute(
        "SELECT * FROM alerts WHERE acknowledged_at IS NOT NULL"
        " ORDER BY acknowledged_at DESC, id DESC LIMIT ?", (limit,)
    )
    return [_alert(row) for row in rows]


def of_jobs(conn: sqlite3.Connection, job_ids: Iterable[int]) -> list[Alert]:
    """The alerts raised by these wake-up jobs."""
    rows = _rows(conn).execute(
        "SELECT * FROM alerts WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(list(job_ids)),),
    )
    return [_alert(row) for row in rows]


def count_open(conn: sqlite3.Connection) -> int:
    return int(conn.execute(
        "SELECT count(*) FROM alerts WHERE acknowledged_at IS NULL").fetchone()[0])


def get(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    row = _rows(conn).execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    return None if row is None else _alert(row)


def acknowledge(conn: sqlite3.Connection, alert_id: int, *, by: str, at: str) -> bool:
    """Close an open alert; False when there is no such open alert (already acknowledged,
    or never existed)."""
    cursor = conn.execute(
        "UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?"
        " WHERE id = ? AND acknowledged_at IS NULL",
        (at, by, alert_id),
    )
    return cursor.rowcount == 1


def record_operator_call(conn: sqlite3.Connection, alert_id: int, outcome: str) -> None:
    conn.execute("UPDATE alerts SET operator_call = ? WHERE id = ?", (outcome, alert_id))


def _rows(conn: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


def _alert(row: sqlite3.Row) -> Alert:
    tries = row["tries"]
    job_id = row["job_id"]
    return Alert(
        id=int(row["id"]),
        kind=row["kind"],
        room=row["room"],
        job_id=None if job_id is None else int(job_id),
        requested_at=_optional_time(row["requested_at"]),
        tries=None if tries is None else int(tries),
        outcome=row["outcome"],
        created_at=from_text(row["created_at"]),
        operator_call=row["operator_call"],
        acknowledged_at=_optional_time(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
    )
