"""Deleting records past CONNECTOR_PRIVACY__AUDIT_RETENTION_DAYS (SQL), so a store's size stays
bounded under a steady hotel load. Only what is finished goes: a report the PMS has not
answered, a posting nobody settled, a call still to be posted, a wake-up still to be placed,
an alert nobody acknowledged, and a room's changes not yet confirmed in Zoom are kept
whatever their age. Rows that others point at go after them (the order below).
"""

from __future__ import annotations

import sqlite3

# (table, which of its rows are old and finished); `?` is the cutoff. Deleted in this order.
_OLD: tuple[tuple[str, str], ...] = (
    ("alerts", "acknowledged_at IS NOT NULL AND created_at < ?"),
    # A wake-up's tries go with it, first; the job waits until none is left (a batch may
    # stop part-way through its tries).
    ("wakeup_attempts", "job_id IN (SELECT id FROM wakeup_jobs WHERE"
                        " state IN ('done', 'cancelled') AND created_at < ?"
                        " AND NOT EXISTS (SELECT 1 FROM alerts AS a"
                        " WHERE a.job_id = wakeup_jobs.id))"),
    ("wakeup_jobs", "state IN ('done', 'cancelled') AND created_at < ?"
                    " AND NOT EXISTS (SELECT 1 FROM alerts AS a WHERE a.job_id = wakeup_jobs.id)"
                    " AND NOT EXISTS (SELECT 1 FROM wakeup_attempts AS t"
                    " WHERE t.job_id = wakeup_jobs.id)"),
    ("calls", "start_time < ? AND state != 'new' AND (outbox_id IS NULL OR EXISTS ("
              "SELECT 1 FROM outbox AS o WHERE o.id = calls.outbox_id"
              " AND o.state IN ('answered', 'failed')))"),
    # A report other than a posting is done once sent; a posting once answered.
    ("outbox", "(state IN ('answered', 'failed') OR (state = 'sent' AND kind != 'posting'))"
               " AND created_at < ?"
               " AND NOT EXISTS (SELECT 1 FROM calls AS c WHERE c.outbox_id = outbox.id)"),
    ("event_log", "received_at < ?"),
    # A cloud PMS's notices once settled (their events are in the inbox, or they failed).
    ("cloud_notices", "state IN ('applied', 'failed') AND received_at < ?"),
    # The voicemail index: a tombstone once the retention has passed since Zoom deleted it
    # (a late retry of its `voicemail_received` comes within hours), any row once its
    # voicemail is older than the retention (Zoom keeps them at most six months; a purge
    # looks back a month).
    ("voicemail_index", "coalesce(deleted_at, received_at) < ?"),
    ("journal", "at < ?"),
    ("audit", "at < ?"),  # the console's staff actions (names of staff, never of guests)
    ("stays", "until < ?"),
    # A room's change rows go once Zoom has them (its confirmed version) and their event is
    # old; the event's inbox row goes after them.
    ("room_changes", "seq < coalesce((SELECT min(seq) FROM inbox WHERE received_at >= ?),"
                     " (SELECT coalesce(max(seq), 0) + 1 FROM inbox))"
                     " AND version <= (SELECT confirmed_version FROM rooms AS r"
                     " WHERE r.room = room_changes.room)"),
    ("inbox", "received_at < ? AND NOT EXISTS ("
              "SELECT 1 FROM room_changes AS c WHERE c.event_id = inbox.event_id)"),
)


def prune_batch(conn: sqlite3.Connection, *, cutoff: str, limit: int) -> int:
    """Delete up to `limit` old, finished rows of each table, in order; how many in all
    (0: nothing left to prune)."""
    deleted = 0
    for table, old in _OLD:
        deleted += conn.execute(
            f"DELETE FROM {table} WHERE rowid IN"  # noqa: S608 (fixed names above)
            f" (SELECT rowid FROM {table} WHERE {old} LIMIT ?)", (cutoff, limit)).rowcount
    return deleted
