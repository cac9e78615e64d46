"""The cloud PMS notice inbox (`Store.cloud_notices`): every notification a cloud PMS sent,
stored before anything acts on it, with the event source's offset in the same commit.

    pending ──► applied   (hydrated and ingested; its body blanked: no guest data is left)
       │  ▲
       └──┘ the PMS was away: still pending, tried again
       └──► failed        (the PMS refused to give it; its body is blanked after the
                           personal-data retention, the row pruned after the audit one)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from connector.store import meta as meta_table
from connector.store.timestamps import from_text, to_text

NoticeState = Literal["pending", "applied", "failed"]
NOTICE_STATES: tuple[NoticeState, ...] = get_args(NoticeState)

Reading = Callable[[], AbstractContextManager[sqlite3.Connection]]
Writing = Callable[[str], AbstractContextManager[sqlite3.Connection]]

_ERROR_LIMIT = 500
_BLANK = "{}"


def offset_key(vendor: str) -> str:
    """The meta key holding a vendor's stream offset."""
    return f"cloud_pms.{vendor}.offset"


@dataclass(frozen=True, slots=True)
class NewNotice:
    """A notice as a source hands it over (`connector.pms.cloud.Notice`, kept store-side)."""

    key: str
    name: str
    body: Mapping[str, object]
    received_at: datetime


@dataclass(frozen=True, slots=True)
class StoredNotice:
    """One row of the inbox; `body` is `{}` once blanked."""

    key: str
    vendor: str
    name: str
    received_at: datetime
    body: Mapping[str, object]
    state: NoticeState
    attempts: int
    last_error: str | None
    applied_at: datetime | None


@dataclass(frozen=True, slots=True)
class NoticeCounts:
    """The inbox at a glance, for the doctor, the Health page and the metrics."""

    pending: int
    applied: int
    failed: int
    last_received_at: datetime | None
    oldest_pending_at: datetime | None


class CloudNotices:
    """The notice inbox's door; the Store builds one over its own connection."""

    def __init__(self, *, reading: Reading, writing: Writing,
                 now: Callable[[], str]) -> None:
        self._reading = reading
        self._writing = writing
        self._now = now

    def accept(self, vendor: str, notices: Sequence[NewNotice], *,
               offset: str | None = None) -> list[str]:
        """Store the notices not yet known, and the vendor's `offset` when given, in one
        commit; the keys that were new (a known key is skipped, whatever its state)."""
        with self._writing(f"store {len(notices)} {vendor} notice(s)") as conn:
            new = [n.key for n in notices if _insert(conn, vendor, n)]
            if offset is not None:
                meta_table.put(conn, offset_key(vendor), offset)
        return new

    def offset(self, vendor: str) -> str | None:
        """The offset stored with the vendor's last accepted notices."""
        with self._reading() as conn:
            return meta_table.get(conn, offset_key(vendor))

    def pending(self, limit: int = 50) -> list[StoredNotice]:
        """The pending notices, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM cloud_notices WHERE state = 'pending'"  # noqa: S608
                " ORDER BY rowid LIMIT ?", (limit,)).fetchall()
        return [_notice(row) for row in rows]

    def get(self, key: str) -> StoredNotice | None:
        """One notice by its key."""
        with self._reading() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM cloud_notices"  # noqa: S608
                               " WHERE key = ?", (key,)).fetchone()
        return None if row is None else _notice(row)

    def mark_applied(self, key: str) -> None:
        """Its events are in the inbox: applied, and its body blanked."""
        with self._writing("mark a notice applied") as conn:
            self.applying(key)(conn)

    def applying(self, key: str) -> Callable[[sqlite3.Connection], None]:
        """`mark_applied` as SQL for another transaction: the ingest of the notice's events
        (`Store.ingest(also=...)`), so that both are one commit."""
        def mark(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE cloud_notices SET state = 'applied', body = ?,"
                         " attempts = attempts + 1, applied_at = ?, last_error = NULL"
                         " WHERE key = ? AND state = 'pending'", (_BLANK, self._now(), key))
        return mark

    def mark_failed(self, key: str, reason: str) -> None:
        """The PMS refused to give it: kept as failed, with `reason` (no guest data)."""
        with self._writing("mark a notice failed") as conn:
            conn.execute("UPDATE cloud_notices SET state = 'failed', attempts = attempts + 1,"
                         " last_error = ? WHERE key = ? AND state = 'pending'",
                         (reason[:_ERROR_LIMIT], key))

    def note_attempt(self, key: str, reason: str) -> None:
        """A try that did not settle it (the PMS was away): still pending."""
        with self._writing("note a notice's try") as conn:
            conn.execute("UPDATE cloud_notices SET attempts = attempts + 1, last_error = ?"
                         " WHERE key = ? AND state = 'pending'", (reason[:_ERROR_LIMIT], key))

    def counts(self) -> NoticeCounts:
        """How many notices are in each state, the last received, the oldest pending."""
        with self._reading() as conn:
            by_state = dict(conn.execute(
                "SELECT state, count(*) FROM cloud_notices GROUP BY state").fetchall())
            last = conn.execute("SELECT max(received_at) FROM cloud_notices").fetchone()[0]
            oldest = conn.execute("SELECT min(received_at) FROM cloud_notices"
                                  " WHERE state = 'pending'").fetchone()[0]
        return NoticeCounts(
            pending=int(by_state.get("pending", 0)), applied=int(by_state.get("applied", 0)),
            failed=int(by_state.get("failed", 0)),
            last_received_at=None if last is None else from_text(str(last)),
            oldest_pending_at=None if oldest is None else from_text(str(oldest)))


def blank_failed(conn: sqlite3.Connection, *, cutoff: str) -> int:
    """Blank the bodies of failed notices received before `cutoff` (the personal-data
    retention); how many."""
    return conn.execute("UPDATE cloud_notices SET body = ? WHERE state = 'failed'"
                        " AND received_at < ? AND body != ?", (_BLANK, cutoff, _BLANK)).rowcount


_COLUMNS = ("key, vendor, name, received_at, body, state, attempts, last_error, applied_at")


def _insert(conn: sqlite3.Connection, vendor: str, notice: NewNotice) -> bool:
    return conn.execute(
        "INSERT INTO cloud_notices (key, vendor, name, received_at, body)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (notice.key, vendor, notice.name, to_text(notice.received_at),
         json.dumps(dict(notice.body), separators=(",", ":"), default=str))).rowcount == 1


def _notice(row: sqlite3.Row | tuple[object, ...]) -> StoredNotice:
    key, vendor, name, received_at, body, state, attempts, last_error, applied_at = row
    assert state in NOTICE_STATES
    return StoredNotice(
        key=str(key), vendor=str(vendor), name=str(name), received_at=from_text(str(received_at)),
        body=json.loads(str(body)), state=state, attempts=int(str(attempts)),
        last_error=None if last_error is None else str(last_error),
        applied_at=None if applied_at is None else from_text(str(applied_at)))
