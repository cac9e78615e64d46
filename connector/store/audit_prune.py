"""The end of the audit trail's retention: rows older than the audit window are deleted.

The window (CONNECTOR_PRIVACY__AUDIT_RETENTION_DAYS) is longer than personal data is kept, so
by the time a row goes here its stay's names are long erased. Only settled rows go: a report
still waiting for the PMS, a posting whose outcome is unknown, a wake-up not finished, an
alert nobody acknowledged stay whatever their age, as do the calls (the hotel's accounting)
and the postings they point at.
"""

from __future__ import annotations

import sqlite3

# (table, the rows of it that are settled and older than ?1), in an order that deletes a row
# before any row it points at (an alert before its wake-up job).
_PRUNED = (
    ("event_log", "received_at < ?1"),
    ("journal", "at < ?1"),
    ("audit", "at < ?1"),
    ("alerts", "acknowledged_at IS NOT NULL AND created_at < ?1"),
    ("wakeup_jobs", "state IN ('done', 'cancelled') AND finished_at < ?1"
     " AND id NOT IN (SELECT job_id FROM alerts WHERE job_id IS NOT NULL)"),
    ("outbox", "created_at < ?1 AND (state IN ('answered', 'failed')"
     " OR (state = 'sent' AND kind != 'posting'))"
     " AND id NOT IN (SELECT outbox_id FROM calls WHERE outbox_id IS NOT NULL)"),
)


def prune(conn: sqlite3.Connection, before: str) -> dict[str, int]:
    """Delete the audit rows settled before `before` (store time text); how many, by table."""
    return {table: conn.execute(f"DELETE FROM {table} WHERE {settled}", (before,)).rowcount  # noqa: S608
            for table, settled in _PRUNED}
