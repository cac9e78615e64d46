"""The outbox: every report back to the PMS, kept until it is delivered (`Store.outbox`).

A report is written here before the application call that made it returns, so a link that is
down, or a restart, loses nothing. Its life:

    pending ──► sent ──► answered          (a posting: the PMS's PA, or a webhook's 2xx)
       ▲  │       │  └─► unknown ──► answered   (no answer in time; a late one still counts)
       └──┘       │
    retry_later   └ WA/WR/WC/RE and webhook reports stop at sent
       │
       └─► failed  (the PMS refused it for good; its answer is kept)

A posting refused for the PMS's night audit (AS NA) goes from sent (or unknown) back to
pending with its P#: refused, it is certainly not on the folio.

A posting is never sent twice blindly: its FIAS P# is allocated in the same transaction as its row,
from a persisted counter (8 digits, strictly increasing; after 99999999 it wraps to 1, as
FIAS allows, which at a thousand postings a day is some 270 years away). A posting whose
answer never came is `unknown` and stays so until the PMS answers or someone checks the folio.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime

from connector.store import outbox_sql as sql
from connector.store.errors import StoreMisuse
from connector.store.outbox_records import (
    REPORT_KINDS,
    Channel,
    NewReport,
    OutboxCounts,
    Report,
    ReportKind,
    ReportState,
)
from connector.store.timestamps import from_text, to_text

Reading = Callable[[], AbstractContextManager[sqlite3.Connection]]
Writing = Callable[[str], AbstractContextManager[sqlite3.Connection]]


def check_kind(report: NewReport, path: str) -> None:
    if report.kind not in REPORT_KINDS:
        raise StoreMisuse(f"{report.kind!r} is not a kind of report "
                          f"({', '.join(REPORT_KINDS)}).", path=path)


def keep(conn: sqlite3.Connection, report: NewReport, now: str) -> int:
    """Add a pending report inside the caller's transaction (a posting gets its P# in it
    too); its id."""
    p_number = sql.next_p_number(conn) if report.kind == "posting" else None
    return sql.add(conn, channel=report.channel, kind=report.kind, room=report.room,
                   payload=report.payload, p_number=p_number, now=now)


class Outbox:
    """The outbox's door; the Store builds one over its own connection and clock."""

    def __init__(self, *, path: str, reading: Reading, writing: Writing,
                 now: Callable[[], str]) -> None:
        self._path = path
        self._reading = reading
        self._writing = writing
        self._now = now

    # Making reports

    def enqueue(self, kind: ReportKind, room: str, payload: Mapping[str, object], *,
                channel: Channel | None) -> Report:
        """Keep a new report, due at once; a posting gets the next P# in the same commit.
        `payload` must be JSON-serialisable. `channel` None: no channel is configured yet
        (the report waits for `adopt`)."""
        new = NewReport(kind, room, payload, channel)
        check_kind(new, self._path)
        with self._writing(f"keep a {kind} report for room {room}") as conn:
            report = sql.get(conn, keep(conn, new, self._now()))
        assert report is not None
        return report

    def adopt(self, channel: Channel) -> int:
        """Send every report still pending through `channel` (made while none, or another,
        was configured); how many were moved."""
        with self._writing(f"move pending reports to the {channel} channel") as conn:
            return sql.adopt(conn, channel)

    # For the pumps

    def due(self, channel: Channel, now: datetime, limit: int = 50, *,
            hold_postings: bool = False) -> list[Report]:
        """The channel's reports to send now, in the order they were made. A report waiting
        for a retry holds back the later ones, so the PMS hears things in order.
        `hold_postings` (a night audit): postings are left out, and hold nothing back."""
        with self._reading() as conn:
            return sql.due(conn, channel, to_text(now), limit, hold_postings)

    def next_attempt_at(self, channel: Channel, *,
                        hold_postings: bool = False) -> datetime | None:
        """When the channel's next pending report is due (None: nothing is pending);
        `hold_postings` as for `due`."""
        with self._reading() as conn:
            text = sql.next_attempt_at(conn, channel, hold_postings)
        return None if text is None else from_text(text)

    def mark_sent(self, report_id: int, *, tries: int = 1) -> None:
        """The report went out (a posting: is about to go out, and now waits for its answer;
        marking it first means a crash mid-send can never send it twice). `tries`: delivery
        attempts this took."""
        self._move(report_id, "sent", ("pending",), "mark a report sent", tries=tries,
                   sent_at=self._now())

    def mark_answered(self, p_number: int, status: str) -> Report | None:
        """The PMS answered the posting with this P# (AS OK, NP, ...). It may have been given
        up as unknown: a late answer still settles it. None when no posting with that P#
        waits (a duplicate answer, or one for another system's posting)."""
        with self._writing(f"record the answer to posting P#{p_number}") as conn:
            return sql.answer_posting(conn, p_number, status)

    def refuse_for_night_audit(self, p_number: int) -> Report | None:
        """The PMS refused the posting with this P# during its night audit (AS NA): it is
        pending again with the same P# (refused, so certainly not on the folio), even if it
        had been given up as unknown. None when no posting with that P# waits."""
        with self._writing(f"take back posting P#{p_number} refused for the night audit") as conn:
            return sql.refuse_for_night_audit(conn, p_number, self._now(),
                                              "refused during the night audit (AS NA)")

    def mark_unknown(self, report_id: int, reason: str) -> bool:
        """Nobody knows whether the PMS has this posting: it is never sent again. False when
        it was answered in the meantime."""
        with self._writing("mark a posting unknown") as conn:
            return sql.set_state(conn, report_id, state="unknown",
                                 allowed_from=("pending", "sent"), tries=0, error=reason)

    def mark_failed(self, report_id: int, answer: str, error: str, *, tries: int = 1) -> None:
        """The PMS refused the report for good; `answer` is what it said."""
        self._move(report_id, "failed", ("pending",), "mark a report failed", tries=tries,
                   answer=answer, error=error)

    def retry_later(self, report_id: int, error: str, at: datetime, *, tries: int = 1) -> None:
        """Try again at `at`. Also takes back a posting marked sent that certainly never left
        (`tries=0`)."""
        self._move(report_id, "pending", ("pending", "sent"), "schedule a report's retry",
                   tries=tries, next_attempt_at=to_text(at), error=error)

    def awaiting_answer(self, sent_before: datetime) -> list[Report]:
        """Postings sent at or before `sent_before` still waiting for their answer."""
        with self._reading() as conn:
            return sql.awaiting_answer(conn, to_text(sent_before))

    def oldest_awaiting_answer(self) -> datetime | None:
        """When the longest-waiting unanswered posting was sent (None: none waits)."""
        with self._reading() as conn:
            text = sql.oldest_awaiting_answer(conn)
        return None if text is None else from_text(text)

    def oldest_pending(self, *, postings: bool = True) -> datetime | None:
        """When the longest-waiting undelivered report was made (None: none waits);
        `postings=False` leaves out postings (held while the PMS runs its night audit)."""
        with self._reading() as conn:
            text = sql.oldest_pending(conn, postings=postings)
        return None if text is None else from_text(text)

    # For people

    def get(self, report_id: int) -> Report | None:
        with self._reading() as conn:
            return sql.get(conn, report_id)

    def pending_counts(self) -> OutboxCounts:
        """Reports per channel and state (channel "none": made while none was configured)."""
        with self._reading() as conn:
            return sql.counts(conn)

    def count(self, state: ReportState, kind: ReportKind) -> int:
        """How many reports of `kind` are in `state` (pending postings: those not yet sent)."""
        with self._reading() as conn:
            return sql.count(conn, state, kind)

    def unknown_postings(self, limit: int = 100) -> list[Report]:
        """Postings that may or may not be on the folio, oldest first: check them in the
        PMS by room and P#."""
        with self._reading() as conn:
            return sql.in_state(conn, "unknown", "posting", limit)

    def failed_reports(self, limit: int = 100) -> list[Report]:
        """Reports the PMS refused, oldest first, with its answer."""
        with self._reading() as conn:
            return sql.in_state(conn, "failed", None, limit)

    def _move(self, report_id: int, state: ReportState, allowed_from: tuple[ReportState, ...],
              doing: str, *, tries: int = 1, sent_at: str | None = None,
              next_attempt_at: str | None = None, error: str | None = None,
              answer: str | None = None) -> None:
        with self._writing(f"{doing} (report {report_id})") as conn:
            moved = sql.set_state(conn, report_id, state=state, allowed_from=allowed_from,
                                  tries=tries, sent_at=sent_at,
                                  next_attempt_at=next_attempt_at, error=error, answer=answer)
            if not moved:
                found = sql.get(conn, report_id)
                where = "does not exist" if found is None else f"is {found.state}"
                raise StoreMisuse(
                    f"Cannot {doing}: report {report_id} {where}, and only a report that is "
                    f"{' or '.join(allowed_from)} can become {state}.",
                    path=self._path,
                )
