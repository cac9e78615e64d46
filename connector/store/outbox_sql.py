"""The outbox table and the P# counter, in SQL; `outbox.Outbox` is the door to them.

Times are `timestamps.to_text` strings, so text order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import cast

from connector.store.outbox_records import (
    REPORT_STATES,
    Channel,
    OutboxCounts,
    Report,
    ReportKind,
    ReportState,
)
from connector.store.timestamps import from_text

MAX_P_NUMBER = 99_999_999  # FIAS P# is at most 8 digits



def next_p_number(conn: sqlite3.Connection) -> int:
    """The next P#: one more than the last, and after 99999999 back to 1."""
    row = conn.execute(
        "UPDATE posting_numbers SET last = CASE WHEN last >= ? THEN 1 ELSE last + 1 END"
        " WHERE only_row = 1 RETURNING last",
        (MAX_P_NUMBER,),
    ).fetchone()
    return int(row[0])


def add(
    conn: sqlite3.Connection,
    *,
    channel: Channel | None,
    kind: ReportKind,
    room: str,
    payload: Mapping[str, object],
    p_number: int | None,
    now: str,
) -> int:
    """Insert a pending report, due at once; its id."""
    cursor = conn.execute(
        "INSERT INTO outbox (channel, kind, room, payload, created_at, next_attempt_at,"
        " p_number) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (channel, kind, room, json.dumps(dict(payload), sort_keys=True), now, now, p_number),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get(conn: sqlite3.Connection, report_id: int) -> Report | None:
    row = _rows(conn).execute("SELECT * FROM outbox WHERE id = ?", (report_id,)).fetchone()
    return None if row is None else _report(row)


def due(conn: sqlite3.Connection, channel: Channel, now: str, limit: int,
        hold_postings: bool = False) -> list[Report]:
    """The channel's pending reports in order, up to (not including) the first that waits
    for a retry: a report held back holds back the ones made after it. `hold_postings` (a
    night audit): postings are left out as if absent, neither sent nor holding back."""
    rows = _rows(conn).execute(
        "SELECT * FROM outbox WHERE channel = ?1 AND state = 'pending'"
        " AND (?4 = 0 OR kind != 'posting')"
        " AND id < coalesce((SELECT min(id) FROM outbox WHERE channel = ?1"
        "  AND state = 'pending' AND next_attempt_at > ?2"
        "  AND (?4 = 0 OR kind != 'posting')), 9223372036854775807)"
        " ORDER BY id LIMIT ?3",
        (channel, now, limit, hold_postings),
    )
    return [_report(row) for row in rows]


def next_attempt_at(conn: sqlite3.Connection, channel: Channel,
                    hold_postings: bool = False) -> str | None:
    """When the channel's first pending report is due (None: nothing pending)."""
    row = conn.execute(
        "SELECT next_attempt_at FROM outbox WHERE channel = ?1 AND state = 'pending'"
        " AND (?2 = 0 OR kind != 'posting') ORDER BY id LIMIT 1",
        (channel, hold_postings),
    ).fetchone()
    return None if row is None else str(row[0])


def set_state(
    conn: sqlite3.Connection,
    report_id: int,
    *,
    state: ReportState,
    allowed_from: tuple[ReportState, ...],
    tries: int,
    sent_at: str | None = None,
    next_attempt_at: str | None = None,
    error: str | None = None,
    answer: str | None = None,
) -> bool:
    """Move a report to `state` if it is in one of `allowed_from`; False if it was not.
    `sent_at`, `next_attempt_at`, `error` and `answer` are kept when given as None."""
    cursor = conn.execute(
        "UPDATE outbox SET state = ?, attempts = attempts + ?,"
        " sent_at = coalesce(?, sent_at), next_attempt_at = coalesce(?, next_attempt_at),"
        " last_error = coalesce(?, last_error), answer = coalesce(?, answer)"
        " WHERE id = ? AND state IN (SELECT value FROM json_each(?))",
        (state, tries, sent_at, next_attempt_at, error, answer, report_id,
         json.dumps(allowed_from)),
    )
    return cursor.rowcount == 1


def answer_posting(conn: sqlite3.Connection, p_number: int, status: str) -> Report | None:
    """Record the PMS's answer to the posting with this P# that is still waiting for one
    (sent) or was given up on (unknown); the newest, should the counter ever have wrapped.
    The posting as it now stands, or None when no such posting waits."""
    row = conn.execute(
        "SELECT id FROM outbox WHERE p_number = ? AND state IN ('sent', 'unknown')"
        " ORDER BY id DESC LIMIT 1",
        (p_number,),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE outbox SET state = 'answered', answer = ? WHERE id = ?", (status, row[0])
    )
    return get(conn, int(row[0]))


def refuse_for_night_audit(conn: sqlite3.Connection, p_number: int, now: str,
                           reason: str) -> Report | None:
    """The PMS refused the posting with this P# for its night audit (AS NA): certainly not
    on the folio, so it is pending again, with the same P#. None when no such posting waits."""
    row = conn.execute(
        "SELECT id FROM outbox WHERE p_number = ? AND state IN ('sent', 'unknown')"
        " ORDER BY id DESC LIMIT 1",
        (p_number,),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
        (now, reason, row[0]),
    )
    return get(conn, int(row[0]))


def awaiting_answer(conn: sqlite3.Connection, sent_before: str) -> list[Report]:
    """Postings sent at or before `sent_before` whose answer has not come."""
    rows = _rows(conn).execute(
        "SELECT * FROM outbox WHERE kind = 'posting' AND state = 'sent'"
        " AND sent_at <= ? ORDER BY id",
        (sent_before,),
    )
    return [_report(row) for row in rows]


def oldest_awaiting_answer(conn: sqlite3.Connection) -> str | None:
    """When the longest-waiting posting without an answer was sent (None: none waits)."""
    row = conn.execute(
        "SELECT min(sent_at) FROM outbox WHERE kind = 'posting' AND state = 'sent'"
    ).fetchone()
    return None if row[0] is None else str(row[0])


def oldest_pending(conn: sqlite3.Connection, *, postings: bool) -> str | None:
    """When the longest-waiting undelivered report was made (postings left out unless
    `postings`: the night audit may hold them); None when none waits."""
    row = conn.execute(
        "SELECT min(created_at) FROM outbox WHERE state = 'pending' AND (?1 OR kind != 'posting')",
        (int(postings),),
    ).fetchone()
    return None if row[0] is None else str(row[0])


def in_state(conn: sqlite3.Connection, state: ReportState, kind: ReportKind | None,
             limit: int) -> list[Report]:
    """Reports in `state` (of `kind`, if given), oldest first."""
    rows = _rows(conn).execute(
        "SELECT * FROM outbox WHERE state = ?1"
        " AND (?2 IS NULL OR kind = ?2) ORDER BY id LIMIT ?3",
        (state, kind, limit),
    )
    return [_report(row) for row in rows]


def count(conn: sqlite3.Connection, state: ReportState, kind: ReportKind) -> int:
    row = conn.execute(
        "SELECT count(*) FROM outbox WHERE state = ? AND kind = ?", (state, kind)
    ).fetchone()
    return int(row[0])


def counts(conn: sqlite3.Connection) -> OutboxCounts:
    by_channel: dict[str, dict[ReportState, int]] = {}
    rows = conn.execute("SELECT channel, state, count(*) FROM outbox GROUP BY channel, state")
    for channel, state, number in rows:
        states = by_channel.setdefault(
            channel or "none", dict.fromkeys(REPORT_STATES, 0))
        states[cast(ReportState, state)] = int(number)
    return OutboxCounts(by_channel=by_channel)


def adopt(conn: sqlite3.Connection, channel: Channel) -> int:
    """Give every pending report of another channel (or of none) to `channel`; how many.
    Only pending ones: a report that left through one channel is not sent through another."""
    cursor = conn.execute(
        "UPDATE outbox SET channel = ? WHERE state = 'pending'"
        " AND (channel IS NULL OR channel != ?)",
        (channel, channel),
    )
    return cursor.rowcount


def _rows(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor whose rows are read by column name (later migrations may add columns)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def _report(row: sqlite3.Row) -> Report:
    sent_at, p_number = row["sent_at"], row["p_number"]
    return Report(
        id=int(row["id"]),
        channel=row["channel"],
        kind=row["kind"],
        room=row["room"],
        payload=json.loads(row["payload"]),
        created_at=from_text(row["created_at"]),
        state=row["state"],
        attempts=int(row["attempts"]),
        next_attempt_at=from_text(row["next_attempt_at"]),
        sent_at=None if sent_at is None else from_text(sent_at),
        last_error=row["last_error"],
        p_number=None if p_number is None else int(p_number),
        answer=row["answer"],
    )
