"""Wake-up jobs in SQL: one row per requested wake-up, from the PMS's request to its answer.

    pending ──► calling ──► pending   (a retry, or a snooze)
       │           └──────► done      (the final answer, kept with its outbox report)
       └──► done   (missed while the connector was down)
    pending / calling ──► cancelled   (cleared by the PMS, or the room checked out)

A cancelled try that was `calling` finishes its call, but its result is dropped: every
change out of `calling` requires the row to still be `calling`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from connector.store.outbox_records import Channel
from connector.store.outbox_sql import add as add_report
from connector.store.timestamps import from_text, to_text

JobState = Literal["pending", "calling", "done", "cancelled"]
ACTIVE: tuple[JobState, ...] = ("pending", "calling")
# How an attempt ends that the job's outcome does not say.
CLEARED_DURING_CALL = "cleared during the call"
INTERRUPTED = "interrupted (connector restarted)"


@dataclass(frozen=True)
class WakeupJob:
    """One requested wake-up as the store keeps it (see the module docstring)."""

    id: int
    room: str
    requested_at: datetime
    set_by_event: str
    state: JobState
    due_at: datetime
    tries: int
    snoozes: int
    attempts: int
    last_outcome: str | None
    started_at: datetime | None
    answer: str | None


@dataclass(frozen=True)
class WakeupAttempt:
    """One try of a wake-up: when it rang and how it ended (`ended_at` and `outcome` None
    while it is ringing)."""

    job_id: int
    attempt: int
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class NewWakeup:
    """A wake-up the PMS asked for that has no job yet."""

    room: str
    requested_at: datetime
    set_by_event: str


@dataclass(frozen=True)
class MovedWakeup:
    """An active job that now belongs to another room (the guest moved), or whose request
    was repeated by a newer event."""

    job_id: int
    room: str
    set_by_event: str


@dataclass(frozen=True)
class WakeupSync:
    """What bringing the jobs in line with the rooms' wake-ups takes."""

    create: Sequence[NewWakeup] = ()
    update: Sequence[MovedWakeup] = ()
    cancel: Sequence[int] = ()

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.cancel)


@dataclass(frozen=True)
class WakeupAnswer:
    """The report of a wake-up's final answer, ready for the outbox."""

    channel: Channel | None
    payload: Mapping[str, object]


@dataclass(frozen=True)
class FinishedWakeup:
    """A job made done; `alert_id` is the front-desk alert recorded with it, if any."""

    alert_id: int | None


def jobs_in_rooms(conn: sqlite3.Connection, rooms: Iterable[str] | None) -> list[WakeupJob]:
    """Every job of `rooms` (None: of every room), oldest request first."""
    if rooms is None:
        cursor = _rows(conn).execute("SELECT * FROM wakeup_jobs ORDER BY requested_at, id")
    else:
        cursor = _rows(conn).execute(
            "SELECT * FROM wakeup_jobs WHERE room IN (SELECT value FROM json_each(?))"
            " ORDER BY requested_at, id",
            (_json_list(rooms),),
        )
    return [_job(row) for row in cursor]


def get(conn: sqlite3.Connection, job_id: int) -> WakeupJob | None:
    row = _rows(conn).execute("SELECT * FROM wakeup_jobs WHERE id = ?", (job_id,)).fetchone()
    return None if row is None else _job(row)


def apply_sync(conn: sqlite3.Connection, sync: WakeupSync, now: str) -> None:
    for new in sync.create:
        at = to_text(new.requested_at)
        conn.execute(
            "INSERT INTO wakeup_jobs (room, requested_at, set_by_event, due_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new.room, at, new.set_by_event, at, now),
        )
    for moved in sync.update:
        conn.execute(
            "UPDATE wakeup_jobs SET room = ?, set_by_event = ? WHERE id = ?"
            " AND state IN ('pending', 'calling')",
            (moved.room, moved.set_by_event, moved.job_id),
        )
    # A try ringing when its wake-up is cleared finishes its call, but its result is dropped.
    conn.execute(
        "UPDATE wakeup_attempts SET ended_at = ?, outcome = ?"
        " WHERE ended_at IS NULL AND job_id IN (SELECT value FROM json_each(?))",
        (now, CLEARED_DURING_CALL, _json_list(sync.cancel)),
    )
    conn.execute(
        "UPDATE wakeup_jobs SET state = 'cancelled', started_at = NULL, finished_at = ?"
        " WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'calling')",
        (now, _json_list(sync.cancel)),
    )


def due(conn: sqlite3.Connection, now: str) -> list[WakeupJob]:
    """Pending jobs due by `now`, in the fair order: due time, first tries before retries,
    then room."""
    rows = _rows(conn).execute(
        "SELECT * FROM wakeup_jobs WHERE state = 'pending' AND due_at <= ?"
        " ORDER BY due_at, tries > 0, room, id",
        (now,),
    )
    return [_job(row) for row in rows]


def next_due(conn: sqlite3.Connection) -> str | None:
    row = conn.execute(
        "SELECT min(due_at) FROM wakeup_jobs WHERE state = 'pending'"
    ).fetchone()
    return None if row[0] is None else str(row[0])


def in_state(conn: sqlite3.Connection, state: JobState) -> list[WakeupJob]:
    rows = _rows(conn).execute(
        "SELECT * FROM wakeup_jobs WHERE state = ? ORDER BY due_at, id", (state,)
    )
    return [_job(row) for row in rows]


def done_requested_since(conn: sqlite3.Connection, since: str,
                         room: str | None = None) -> list[WakeupJob]:
    """Finished jobs asked for at `since` or later (one room's through its index), so a page
    drawn at every change reads today's, not a year of them."""
    if room is None:
        rows = _rows(conn).execute(
            "SELECT * FROM wakeup_jobs WHERE state = 'done' AND requested_at >= ?"
            " ORDER BY due_at, id", (since,))
    else:
        rows = _rows(conn).execute(
            "SELECT * FROM wakeup_jobs WHERE room = ? AND requested_at >= ?"
            " AND state = 'done' ORDER BY due_at, id", (room, since))
    return [_job(row) for row in rows]


def count(conn: sqlite3.Connection, state: JobState) -> int:
    return int(conn.execute(
        "SELECT count(*) FROM wakeup_jobs WHERE state = ?", (state,)).fetchone()[0])


def start_try(conn: sqlite3.Connection, job_id: int, now: str) -> bool:
    """pending → calling; False when the job is no longer pending (cleared meanwhile)."""
    cursor = conn.execute(
        "UPDATE wakeup_jobs SET state = 'calling', started_at = ?, attempts = attempts + 1"
        " WHERE id = ? AND state = 'pending'",
        (now, job_id),
    )
    if cursor.rowcount != 1:
        return False
    conn.execute(
        "INSERT INTO wakeup_attempts (job_id, attempt, started_at)"
        " SELECT id, attempts, ? FROM wakeup_jobs WHERE id = ?",
        (now, job_id),
    )
    return True


def end_attempt(conn: sqlite3.Connection, job_id: int, *, outcome: str, now: str) -> None:
    """The job's try in progress (if any) ended with `outcome`."""
    conn.execute(
        "UPDATE wakeup_attempts SET ended_at = ?, outcome = ?"
        " WHERE job_id = ? AND ended_at IS NULL",
        (now, outcome, job_id),
    )


def attempts_of(conn: sqlite3.Connection,
                job_ids: Iterable[int]) -> dict[int, list[WakeupAttempt]]:
    """The tries of each of `job_ids`, first try first (a job never tried: no entry)."""
    rows = _rows(conn).execute(
        "SELECT * FROM wakeup_attempts WHERE job_id IN (SELECT value FROM json_each(?))"
        " ORDER BY job_id, attempt",
        (_json_list(job_ids),),
    )
    found: dict[int, list[WakeupAttempt]] = {}
    for row in rows:
        ended_at = row["ended_at"]
        found.setdefault(int(row["job_id"]), []).append(WakeupAttempt(
            job_id=int(row["job_id"]), attempt=int(row["attempt"]),
            started_at=from_text(row["started_at"]),
            ended_at=None if ended_at is None else from_text(ended_at),
            outcome=row["outcome"]))
    return found


def schedule_next_try(conn: sqlite3.Connection, job_id: int, *, outcome: str, due_at: str,
                      snoozed: bool, attempt_outcome: str, now: str) -> bool:
    """calling → pending, due at `due_at`: one more try of the sequence, or (snoozed) a new
    sequence; the try's attempt ends with `attempt_outcome`. False when the job was
    cancelled during its call."""
    cursor = conn.execute(
        "UPDATE wakeup_jobs SET state = 'pending', started_at = NULL, due_at = ?,"
        " last_outcome = ?,"
        " tries = CASE WHEN ? THEN 0 ELSE tries + 1 END,"
        " snoozes = snoozes + CASE WHEN ? THEN 1 ELSE 0 END"
        " WHERE id = ? AND state = 'calling'",
        (due_at, outcome, snoozed, snoozed, job_id),
    )
    if cursor.rowcount != 1:
        return False
    end_attempt(conn, job_id, outcome=attempt_outcome, now=now)
    return True


def finish(conn: sqlite3.Connection, job: WakeupJob, *, outcome: str, status: str,
           counted_try: bool, report: WakeupAnswer, attempt_outcome: str, now: str) -> bool:
    """Make the job done with its answer (its try in progress, if any, ending with
    `attempt_outcome`) and keep the answer's report in the outbox, in the
    caller's transaction. False (and nothing written) when the job is no longer in the state
    it was read in: cleared meanwhile, so the PMS expects no answer."""
    cursor = conn.execute(
        "UPDATE wakeup_jobs SET state = 'done', started_at = NULL, finished_at = ?,"
        " last_outcome = ?, answer = ?, tries = tries + ?"
        " WHERE id = ? AND state = ?",
        (now, outcome, status, int(counted_try), job.id, job.state),
    )
    if cursor.rowcount != 1:
        return False
    end_attempt(conn, job.id, outcome=attempt_outcome, now=now)
    add_report(conn, channel=report.channel, kind="wakeup_answer", room=job.room,
               payload=report.payload, p_number=None, now=now)
    return True


def _json_list(items: Iterable[str | int]) -> str:
    return json.dumps(list(items))


def _rows(conn: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def _job(row: sqlite3.Row) -> WakeupJob:
    started_at = row["started_at"]
    return WakeupJob(
        id=int(row["id"]),
        room=row["room"],
        requested_at=from_text(row["requested_at"]),
        set_by_event=row["set_by_event"],
        state=row["state"],
        due_at=from_text(row["due_at"]),
        tries=int(row["tries"]),
        snoozes=int(row["snoozes"]),
        attempts=int(row["attempts"]),
        last_outcome=row["last_outcome"],
        started_at=None if started_at is None else from_text(started_at),
        answer=row["answer"],
    )
