"""Call accounting's calls, in SQL: one row per call Zoom told of, keyed by its call id.

Both of Zoom's doors (the webhook and the call-history poll) hand a call here; the second
sight of a call only fills in what the first lacked, and never once the call is posted. A
call's life (`state`):

    new ──► not_chargeable | not_a_room | vacant | late | no_rate | rated | posted

`new` calls wait for the pipeline (a restart finds them); `rated` is a call rated at nothing
to post (free) or one the reporter could not take (the reason says). A `no_rate` call whose
reason says it waits for Zoom's carrier charge (`connector.billing.carrier`) is seen as
`waiting_charge`: held, but not for want of a class, and settled by the charge reader.
A posted call's outcome is its posting's row in the outbox, read through, never copied:
`posted` (waiting for the PMS), `accepted`, `refused` (the PMS's answer kept) or `unknown`
(sent, no answer: never re-sent; someone settles it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from connector.billing.call import CallSource, ZoomCall
from connector.billing.carrier import WAITING
from connector.store.outbox import keep
from connector.store.outbox_records import NewReport
from connector.store.timestamps import from_text, to_text

# What the row keeps.
StoredState = Literal["new", "not_chargeable", "not_a_room", "vacant", "late", "no_rate",
                      "rated", "posted"]
# What a caller sees: a posted call's state is its posting's.
CallState = Literal["new", "not_chargeable", "not_a_room", "vacant", "late", "no_rate",
                    "waiting_charge", "rated", "posted", "accepted", "refused", "unknown"]
CALL_STATES: tuple[CallState, ...] = get_args(CallState)
SettledState = Literal["not_chargeable", "not_a_room", "vacant", "late", "no_rate", "rated"]

# A held call waiting for Zoom's charge, told from one without a class by its reason.
_WAITING_LIKE = "'" + WAITING.replace("'", "''") + "%'"
_STATE = f"""CASE
    WHEN c.state = 'no_rate' AND c.reason LIKE {_WAITING_LIKE} THEN 'waiting_charge'
    WHEN c.state != 'posted' THEN c.state
    WHEN o.state = 'answered' AND o.answer = 'OK' THEN 'accepted'
    WHEN o.state IN ('answered', 'failed') THEN 'refused'
    WHEN o.state = 'unknown' THEN 'unknown'
    ELSE 'posted' END"""
_SELECT = (f"SELECT c.*, {_STATE} AS seen_state, o.answer AS posting_answer"  # noqa: S608
           " FROM calls AS c LEFT JOIN outbox AS o ON o.id = c.outbox_id")


@dataclass(frozen=True)
class Rating:
    """What the tariff made of a call: its class and price (integer minor units)."""

    class_name: str
    amount_minor: int
    currency: str
    billed_seconds: int


@dataclass(frozen=True)
class CallRecord:
    """One call as the front desk sees it. `room`/`reservation`: where it was attributed
    (None: not, or not yet); `reason`: why it was not posted; `p_number`/`posting_answer`:
    its posting and the PMS's answer (AS) to it."""

    call: ZoomCall
    sources: tuple[CallSource, ...]
    state: CallState
    room: str | None
    reservation: str | None
    reason: str | None
    rating: Rating | None
    p_number: int | None
    posting_answer: str | None
    first_seen_at: datetime
    updated_at: datetime


def take(conn: sqlite3.Connection, call: ZoomCall, source: CallSource, now: str) -> str:
    """Keep a call Zoom told of: "new", "duplicate" (nothing new in it) or "updated" (it
    filled in what was missing; a call not yet rated goes through the pipeline again)."""
    row = conn.execute("SELECT sources, state, answer_time, end_time, talk_seconds,"
                       " caller_extension FROM calls WHERE call_id = ?",
                       (call.call_id,)).fetchone()
    if row is None:
        _insert(conn, call, source, now)
        return "new"
    sources, state, answer_time, end_time, talk_seconds, extension = row
    seen = sources.split(",")
    new_sources = ",".join(sorted({*seen, source}))
    filled: dict[str, object] = {}
    if state != "posted":
        if answer_time is None and call.answer_time is not None:
            filled["answer_time"] = to_text(call.answer_time)
        if end_time is None and call.end_time is not None:
            filled["end_time"] = to_text(call.end_time)
        if talk_seconds == 0 and call.talk_seconds > 0:
            # A call first seen unconnected: the connected sight's times go with its talk.
            filled.update(talk_seconds=call.talk_seconds, result=call.result,
                          answer_time=_optional(call.answer_time),
                          end_time=_optional(call.end_time) or end_time)
        if extension is None and call.caller_extension is not None:
            filled["caller_extension"] = call.caller_extension
            filled["caller_extension_type"] = call.caller_extension_type
        # What was decided on less than the whole call is decided again.
        if filled and state in ("new", "not_chargeable", "not_a_room"):
            filled["state"] = "new"
            filled["reason"] = None
    if not filled and new_sources == sources:
        return "duplicate"
    columns = {**filled, "sources": new_sources, "updated_at": now}
    conn.execute(f"UPDATE calls SET {', '.join(f'{name} = ?' for name in columns)}"  # noqa: S608
                 " WHERE call_id = ?", (*columns.values(), call.call_id))
    return "updated" if filled else "duplicate"


def _insert(conn: sqlite3.Connection, call: ZoomCall, source: CallSource, now: str) -> None:
    conn.execute(
        "INSERT INTO calls (call_id, sources, direction, connect_type, emergency, result,"
        " caller_extension, caller_extension_type, dialled, callee_country, start_time,"
        " answer_time, end_time, talk_seconds, state, first_seen_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)",
        (call.call_id, source, call.direction, call.connect_type, int(call.emergency),
         call.result, call.caller_extension, call.caller_extension_type, call.dialled,
         call.callee_country, to_text(call.start_time), _optional(call.answer_time),
         _optional(call.end_time), call.talk_seconds, now, now),
    )


def settle(conn: sqlite3.Connection, call_id: str, state: SettledState, *, room: str | None,
           reservation: str | None, reason: str | None, rating: Rating | None,
           now: str) -> bool:
    """Where a new call ends up when it is not posted; False when it is no longer new."""
    cursor = conn.execute(
        "UPDATE calls SET state = ?, room = ?, reservation = ?, reason = ?, class_name = ?,"
        " amount_minor = ?, currency = ?, billed_seconds = ?, updated_at = ?"
        " WHERE call_id = ? AND state = 'new'",
        (state, room, reservation, reason, *_rating(rating), now, call_id))
    return cursor.rowcount == 1


def post(conn: sqlite3.Connection, call_id: str, report: NewReport, *,
         reservation: str | None, reason: str | None, rating: Rating, now: str) -> int | None:
    """The call's posting goes into the outbox (with its P#) in the caller's transaction,
    and the call becomes posted: one commit, so a crash keeps both or neither. The P#, or
    None (nothing kept) when the call is no longer new."""
    if conn.execute("SELECT 1 FROM calls WHERE call_id = ? AND state = 'new'",
                    (call_id,)).fetchone() is None:
        return None
    outbox_id = keep(conn, report, now)
    (p_number,) = conn.execute("SELECT p_number FROM outbox WHERE id = ?",
                               (outbox_id,)).fetchone()
    conn.execute(
        "UPDATE calls SET state = 'posted', room = ?, reservation = ?, reason = ?,"
        " class_name = ?, amount_minor = ?, currency = ?, billed_seconds = ?, outbox_id = ?,"
        " p_number = ?, updated_at = ? WHERE call_id = ?",
        (report.room, reservation, reason, *_rating(rating), outbox_id, p_number, now,
         call_id))
    return int(p_number)


def resolve(conn: sqlite3.Connection, call_id: str, *, on_folio: bool,
            note: str) -> CallRecord | None:
    """Someone checked the folio for the call's unknown posting: it is there (accepted, as
    if the PMS had answered OK) or it is not (refused, never to be sent). None when the call
    has no unknown posting."""
    row = conn.execute(
        "SELECT o.id FROM calls AS c JOIN outbox AS o ON o.id = c.outbox_id"
        " WHERE c.call_id = ? AND o.state = 'unknown'", (call_id,)).fetchone()
    if row is None:
        return None
    state, answer = ("answered", "OK") if on_folio else ("failed", "NOT_POSTED")
    conn.execute("UPDATE outbox SET state = ?, answer = ?, last_error = ? WHERE id = ?",
                 (state, answer, note, row[0]))
    return get(conn, call_id)


def get(conn: sqlite3.Connection, call_id: str) -> CallRecord | None:
    row = _rows(conn).execute(f"{_SELECT} WHERE c.call_id = ?", (call_id,)).fetchone()
    return None if row is None else _record(row)


def by_p_number(conn: sqlite3.Connection, p_number: int) -> CallRecord | None:
    """The newest call posted with this P#."""
    row = _rows(conn).execute(f"{_SELECT} WHERE c.p_number = ? ORDER BY c.updated_at DESC"
                              " LIMIT 1", (p_number,)).fetchone()
    return None if row is None else _record(row)


def listing(conn: sqlite3.Connection, *, room: str | None, reservation: str | None,
            states: Sequence[CallState] | None, limit: int) -> list[CallRecord]:
    """Calls by their start, oldest first, of a room, a reservation and/or in some states."""
    where, args = [], []
    if room is not None:
        where.append("c.room = ?")
        args.append(room)
    if reservation is not None:
        where.append("c.reservation = ?")
        args.append(reservation)
    if states is not None:
        where.append(f"seen_state IN ({', '.join('?' * len(states))})")
        args.extend(states)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = _rows(conn).execute(f"{_SELECT}{clause} ORDER BY c.start_time, c.call_id LIMIT ?",
                               (*args, limit))
    return [_record(row) for row in rows]


def reopen(conn: sqlite3.Connection, states: Sequence[SettledState], now: str) -> int:
    """Make calls in these states new again, to be settled afresh (a call held for want of a
    rate, once the tariff has changed); how many."""
    cursor = conn.execute(
        f"UPDATE calls SET state = 'new', reason = NULL, class_name = NULL,"  # noqa: S608
        f" amount_minor = NULL, currency = NULL, billed_seconds = NULL, updated_at = ?"
        f" WHERE state IN ({', '.join('?' * len(states))})", (now, *states))
    return cursor.rowcount


def reopen_one(conn: sqlite3.Connection, call_id: str, state: SettledState,
               now: str) -> bool:
    """Make one call in `state` new again (its carrier charge has come); False when it is
    not in that state."""
    cursor = conn.execute(
        "UPDATE calls SET state = 'new', reason = NULL, class_name = NULL,"
        " amount_minor = NULL, currency = NULL, billed_seconds = NULL, updated_at = ?"
        " WHERE call_id = ? AND state = ?", (now, call_id, state))
    return cursor.rowcount == 1


def new_ids(conn: sqlite3.Connection) -> list[str]:
    """Calls the pipeline has not settled yet, oldest first."""
    return [row[0] for row in conn.execute(
        "SELECT call_id FROM calls WHERE state = 'new' ORDER BY start_time, call_id")]


def counts(conn: sqlite3.Connection) -> dict[CallState, int]:
    """How many calls are in each state (every state named, 0 when none)."""
    found = dict(conn.execute(
        f"SELECT seen_state, count(*) FROM ({_SELECT}) GROUP BY seen_state"))  # noqa: S608
    return {state: int(found.get(state, 0)) for state in CALL_STATES}


# The states someone may have to act on, or that should not last: counted at every scrape.
OPEN_STATES: tuple[CallState, ...] = ("new", "no_rate", "waiting_charge", "late", "posted",
                                      "unknown")


def open_counts(conn: sqlite3.Connection) -> dict[CallState, int]:
    """How many calls are in each of `OPEN_STATES`, read through indexes only (a scrape must
    not walk months of calls)."""
    found: dict[str, int] = dict(conn.execute(
        "SELECT CASE WHEN state = 'no_rate' AND reason LIKE"  # noqa: S608
        f" {_WAITING_LIKE} THEN 'waiting_charge' ELSE state END, count(*) FROM calls"
        " WHERE state IN ('new', 'no_rate', 'late') GROUP BY 1"))
    found.update(conn.execute(
        "SELECT CASE o.state WHEN 'unknown' THEN 'unknown' ELSE 'posted' END, count(*)"
        " FROM outbox AS o JOIN calls AS c ON c.outbox_id = o.id"
        " WHERE o.kind = 'posting' AND o.state IN ('pending', 'sent', 'unknown') GROUP BY 1"))
    return {state: int(found.get(state, 0)) for state in OPEN_STATES}


def _rating(rating: Rating | None) -> tuple[object, ...]:
    if rating is None:
        return (None, None, None, None)
    return (rating.class_name, rating.amount_minor, rating.currency, rating.billed_seconds)


def _optional(moment: datetime | None) -> str | None:
    return None if moment is None else to_text(moment)


def _rows(conn: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


def _record(row: sqlite3.Row) -> CallRecord:
    call = ZoomCall(
        call_id=row["call_id"], direction=row["direction"], connect_type=row["connect_type"],
        emergency=bool(row["emergency"]), result=row["result"],
        caller_extension=row["caller_extension"],
        caller_extension_type=row["caller_extension_type"], dialled=row["dialled"],
        callee_country=row["callee_country"], start_time=from_text(row["start_time"]),
        answer_time=_time(row["answer_time"]), end_time=_time(row["end_time"]),
        talk_seconds=int(row["talk_seconds"]))
    rating = None if row["class_name"] is None else Rating(
        class_name=row["class_name"], amount_minor=int(row["amount_minor"]),
        currency=row["currency"], billed_seconds=int(row["billed_seconds"]))
    return CallRecord(
        call=call, sources=tuple(row["sources"].split(",")), state=row["seen_state"],
        room=row["room"], reservation=row["reservation"], reason=row["reason"],
        rating=rating, p_number=None if row["p_number"] is None else int(row["p_number"]),
        posting_answer=row["posting_answer"], first_seen_at=from_text(row["first_seen_at"]),
        updated_at=from_text(row["updated_at"]))
