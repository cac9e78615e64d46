"""Erasing guests' personal data in the store (SQL): one stay at once (on request), and the
stays whose retention ran out (daily, in bounded batches). What counts as personal, and how
it is blanked, is `connector.privacy.personal`'s decision; this module finds the rows.

Every function runs inside the caller's transaction. A stay is its reservation's rows
wherever it went (a move makes two spans), or for a PMS that keys guests by room, the room's
rows between its check-in and check-out; a sharer's rows are its own reservation's, so
erasing one sharer leaves the other's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from connector.privacy.personal import (
    Erased,
    blank_event_body,
    blank_journal_detail,
    blank_posting_payload,
)
from connector.store.stays import StaySpan, of_reservation
from connector.store.timestamps import from_text, to_text

# The SQL below names the events that carry guests (personal.NAMED_EVENT_TYPES) as the
# partial index inbox_named does, so SQLite uses it.

# A posting the PMS has answered (or refused for good) no longer needs its dialled number;
# one still on its way, or unknown, keeps it: it may yet be sent or settled by hand.
_SETTLED_POSTING = ("answered", "failed")
_END_OF_TIME = "9999-12-31T23:59:59.999999+00:00"


@dataclass(frozen=True)
class StayFound:
    """One stay as the store knows it: its reservation (None: the room's own stay, a PMS
    keyed by room) and its time in each room (none: known only from its events)."""

    reservation: str | None
    spans: tuple[StaySpan, ...]

    @property
    def in_house(self) -> bool:
        return any(span.until is None for span in self.spans)

    @property
    def rooms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(span.room for span in self.spans))


def by_reservation(conn: sqlite3.Connection, reservation: str) -> StayFound:
    return StayFound(reservation, tuple(of_reservation(conn, reservation)))


def in_room(conn: sqlite3.Connection, room: str, start: str, end: str) -> list[StayFound]:
    """The stays that were in `room` at some time in [start, end), first-come first: a
    reservation's with all its spans, and each of the room's own stays (a PMS keyed by room)
    on its own."""
    rows = conn.execute(
        "SELECT room, reservation, since, until FROM stays WHERE room = ? AND since < ?"
        " AND (until IS NULL OR until > ?) ORDER BY since, id", (room, end, start)).fetchall()
    found: list[StayFound] = []
    for row in rows:
        reservation = row[1]
        if not reservation:
            found.append(StayFound(None, (_span(row),)))
        elif all(stay.reservation != reservation for stay in found):
            found.append(by_reservation(conn, reservation))
    return found


def latest_in_room(conn: sqlite3.Connection, room: str,
                   limit: int) -> list[tuple[StayFound, bool]]:
    """The room's last `limit` stays, newest first, each with whether its personal data was
    erased already (every span marked)."""
    rows = conn.execute("SELECT room, reservation, since, until, erased_at FROM stays"
                        " WHERE room = ? ORDER BY since DESC, id DESC LIMIT ?",
                        (room, limit)).fetchall()
    found: list[tuple[StayFound, bool]] = []
    for *span, erased_at in rows:
        reservation = span[1]
        if not reservation:
            found.append((StayFound(None, (_span((span[0], span[1], span[2], span[3])),)),
                          erased_at is not None))
        elif all(stay.reservation != reservation for stay, _ in found):
            erased = conn.execute("SELECT min(erased_at IS NOT NULL) FROM stays"
                                  " WHERE reservation = ?", (reservation,)).fetchone()[0]
            found.append((by_reservation(conn, reservation), bool(erased)))
    return found


def on_day(conn: sqlite3.Connection, room: str, start: str, end: str) -> list[StayFound]:
    """The stay a room and a day name: the one in the room that day or, on a day one stay
    left and another came, the one that came (a PMS names a stay by its arrival). More than
    one: sharers, or several arrivals; the caller must name it by reservation."""
    found = in_room(conn, room, start, end)
    if len(found) > 1:
        arrived = [stay for stay in found if any(
            span.room == room and start <= to_text(span.since) < end for span in stay.spans)]
        found = arrived or found
    return found


def erase_stay(conn: sqlite3.Connection, stay: StayFound, now: str) -> Erased:
    """Blank every personal field the store holds of `stay`; what was blank already is not
    counted, so a second erasure says 0 everywhere."""
    erased = Erased()
    if stay.reservation is not None:
        bodies = conn.execute(
            "SELECT seq, body FROM inbox WHERE erased_at IS NULL AND"
            " type IN ('check_in', 'guest_change')"
            " AND json_extract(body, '$.reservation') = ?", (stay.reservation,)).fetchall()
        calls = conn.execute("SELECT call_id, outbox_id FROM calls WHERE reservation = ?"
                             " AND dialled != ''", (stay.reservation,)).fetchall()
        erased += Erased(event_bodies=_blank_bodies(conn, bodies, now))
        erased += _blank_calls(conn, calls)
    for span in stay.spans:
        until = _END_OF_TIME if span.until is None else to_text(span.until)
        since = to_text(span.since)
        if stay.reservation is None:
            bodies = conn.execute(
                "SELECT seq, body FROM inbox WHERE erased_at IS NULL AND"
                " type IN ('check_in', 'guest_change')"
                " AND json_extract(body, '$.reservation') IS NULL"
                " AND json_extract(body, '$.room') = ? AND occurred_at BETWEEN ? AND ?",
                (span.room, since, until)).fetchall()
            calls = conn.execute(
                "SELECT call_id, outbox_id FROM calls WHERE room = ? AND dialled != ''"
                " AND coalesce(reservation, '') = '' AND start_time >= ? AND start_time < ?",
                (span.room, since, until)).fetchall()
            erased += Erased(event_bodies=_blank_bodies(conn, bodies, now))
            erased += _blank_calls(conn, calls)
        entries = conn.execute(
            "SELECT id, detail FROM journal WHERE room = ? AND at BETWEEN ? AND ?"
            " AND detail LIKE '%name\"%'", (span.room, since, min(until, now))).fetchall()
        erased += Erased(journal_entries=_blank_journal(conn, entries))
        conn.execute("UPDATE stays SET erased_at = ? WHERE room = ? AND reservation = ?"
                     " AND since = ?", (now, span.room, stay.reservation or "", since))
    return erased


# Whether a row of stay `reservation` (NULL or '': the room's own stay) in `room` at `at` still
# belongs to a stay in house, or one that ended at or after the cutoff (:cutoff): then the
# retention leaves it. Looked up per row through stays_by_reservation and stays_by_room.
_KEPT = """(CASE WHEN coalesce({reservation}, '') != '' THEN EXISTS (
        SELECT 1 FROM stays AS s WHERE s.reservation = {reservation}
        AND (s.until IS NULL OR s.until >= :cutoff))
    ELSE EXISTS (
        SELECT 1 FROM stays AS s WHERE s.room = {room} AND s.reservation = ''
        AND s.since <= {at} AND (s.until IS NULL OR s.until >= :cutoff)) END)"""
_BODY_KEPT = _KEPT.format(reservation="json_extract(i.body, '$.reservation')",
                          room="json_extract(i.body, '$.room')", at="i.occurred_at")
_CALL_KEPT = _KEPT.format(reservation="c.reservation", room="c.room", at="c.start_time")


def expire_bodies(conn: sqlite3.Connection, *, cutoff: str, after_seq: int, limit: int,
                  now: str, tally: Tally) -> tuple[int, int | None]:
    """Blank up to `limit` event bodies older than `cutoff` whose stay is not kept, from
    seq `after_seq` on; how many (also counted per stay in `tally`), and the seq to go on
    from (None: done)."""
    rows = conn.execute(
        "SELECT seq, body, json_extract(body, '$.reservation'),"  # noqa: S608 (fixed text)
        " json_extract(body, '$.room') FROM inbox AS i WHERE erased_at IS NULL"
        " AND type IN ('check_in', 'guest_change') AND occurred_at < :cutoff AND seq > :after"
        f" AND NOT {_BODY_KEPT} ORDER BY seq LIMIT :limit",
        {"cutoff": cutoff, "after": after_seq, "limit": limit}).fetchall()
    count = 0
    for (reservation, room), of_stay in _by_stay(rows).items():
        blanked = _blank_bodies(conn, of_stay, now)
        tally.add(reservation, room, Erased(event_bodies=blanked))
        count += blanked
    return count, (rows[-1][0] if len(rows) == limit else None)


def expire_calls(conn: sqlite3.Connection, *, cutoff: str, after: tuple[str, str],
                 limit: int, tally: Tally) -> tuple[Erased, tuple[str, str] | None]:
    """Blank the dialled numbers of up to `limit` calls started before `cutoff` whose stay is
    not kept, after (start time, call id) `after`; what (also per stay in `tally`), and where
    to go on (None: done)."""
    rows = conn.execute(
        "SELECT call_id, outbox_id, start_time, reservation, room"  # noqa: S608 (fixed text)
        " FROM calls AS c WHERE dialled != '' AND start_time < :cutoff"
        " AND (start_time, call_id) > (:time, :call)"
        f" AND NOT {_CALL_KEPT} ORDER BY start_time, call_id LIMIT :limit",
        {"cutoff": cutoff, "time": after[0], "call": after[1], "limit": limit}).fetchall()
    go_on = (rows[-1][2], rows[-1][0]) if len(rows) == limit else None
    erased = Erased()
    for (reservation, room), of_stay in _by_stay(
            [(call_id, outbox_id, reservation, room)
             for call_id, outbox_id, _, reservation, room in rows]).items():
        blanked = _blank_calls(conn, of_stay)
        tally.add(reservation, room, blanked)
        erased += blanked
    return erased, go_on


def expire_journal(conn: sqlite3.Connection, *, cutoff: str, after_id: int,
                   limit: int, tally: Tally) -> tuple[int, int | None]:
    """Strip names (kept only with CONNECTOR_RECONCILE__JOURNAL_NAMES) from up to `limit`
    journal entries older than `cutoff`, after id `after_id`; how many, and the id checked
    through (None: none newer to check)."""
    last = conn.execute("SELECT id FROM journal WHERE at < ? ORDER BY at DESC, id DESC"
                        " LIMIT 1", (cutoff,)).fetchone()
    if last is None or last[0] <= after_id:
        return 0, None
    # Entries without a name key are skipped by SQLite, not read into Python.
    rows = conn.execute("SELECT id, detail, room FROM journal WHERE id > ? AND id <= ?"
                        " AND detail LIKE '%name\"%' ORDER BY id LIMIT ?",
                        (after_id, last[0], limit)).fetchall()
    through = rows[-1][0] if len(rows) == limit else last[0]
    count = 0
    # Grouped by room alone: a journal entry knows no reservation.
    for (room, _), of_room in _by_stay([(entry_id, detail, room, None)
                                        for entry_id, detail, room in rows]).items():
        blanked = _blank_journal(conn, of_room)
        tally.add_journal(room, blanked)
        count += blanked
    return count, through


def mark_stays(conn: sqlite3.Connection, *, cutoff: str, now: str, tally: Tally,
               why: str) -> int:
    """Note the stays gone for longer than the retention as erased (their rows are now
    blank), each with an audit entry per room saying what this run erased of it and `why`;
    how many spans. A moved stay is audited once its last span is gone: before, its rows are
    kept (the part in its first room is only marked)."""
    rows = conn.execute(
        "SELECT room, reservation FROM stays AS s WHERE erased_at IS NULL AND until < :cutoff"
        " AND (reservation = '' OR NOT EXISTS (SELECT 1 FROM stays AS k"
        " WHERE k.reservation = s.reservation AND (k.until IS NULL OR k.until >= :cutoff)))"
        " ORDER BY until, id", {"cutoff": cutoff}).fetchall()
    reservations: dict[str, None] = {}
    for room, reservation in rows:
        if not reservation:
            _audit(conn, None, [room], tally.of(None, [room]), by=RETENTION, why=why, now=now)
        else:
            reservations[reservation] = None
    for reservation in reservations:
        rooms = [row[0] for row in conn.execute(
            "SELECT DISTINCT room FROM stays WHERE reservation = ?", (reservation,))]
        _audit(conn, reservation, rooms, tally.of(reservation, rooms), by=RETENTION, why=why,
               now=now)
    return conn.execute("UPDATE stays SET erased_at = ? WHERE erased_at IS NULL"
                        " AND until < ?", (now, cutoff)).rowcount


# Who erased, in the `audit` table's `staff` column when it was no staff member.
RETENTION = "retention"
PMS = "PMS"
ERASED_ACTION = "erased personal data"


def record(conn: sqlite3.Connection, stay: StayFound, erased: Erased, *, by: str, why: str,
           now: str) -> None:
    """Write the erasure into the `audit` table (the console's; `connector audit` reads it),
    one entry per room of the stay: what was erased, counted per kind, never a name."""
    rooms: list[str] = list(stay.rooms)
    if not rooms and stay.reservation is not None:
        # Known only from its events: the rooms the event log saw it in.
        rooms = [row[0] for row in conn.execute(
            "SELECT DISTINCT room FROM event_log WHERE reservation = ? ORDER BY room",
            (stay.reservation,))]
    _audit(conn, stay.reservation, rooms, erased, by=by, why=why, now=now)


def _audit(conn: sqlite3.Connection, reservation: str | None, rooms: list[str],
           erased: Erased, *, by: str, why: str, now: str) -> None:
    counts = ", ".join(erased.lines()) + (
        f" ({erased.postings_waiting} posting(s) keep the number until the PMS answers)"
        if erased.postings_waiting else "")
    name = "" if reservation is None else f" of reservation {reservation}"
    targets: list[str | None] = [*rooms] or [None]  # no room known: the hotel's entry
    conn.executemany(
        "INSERT INTO audit (at, staff, action, room, detail) VALUES (?, ?, ?, ?, ?)",
        [(now, by, f"{ERASED_ACTION}{name}: {counts}", room, why) for room in targets])


_Row = TypeVar("_Row", int, str)


def _by_stay(rows: Iterable[tuple[_Row, Any, Any, Any]]
             ) -> dict[tuple[Any, Any], list[tuple[_Row, Any]]]:
    """Rows (id, value, reservation, room) grouped by their stay's (reservation, room), so a
    batch is blanked and counted a stay at a time (not a row at a time: the CPU budget)."""
    groups: dict[tuple[Any, Any], list[tuple[_Row, Any]]] = {}
    for key, value, reservation, room in rows:
        groups.setdefault((reservation, room), []).append((key, value))
    return groups


class Tally:
    """What a retention run erased, per stay: by reservation, or by room for a PMS keyed by
    room (a room's own stays share the room's count: the first one marked takes it). Plain
    counts, not Erased sums: this runs per stay and batch within the CPU budget."""

    def __init__(self) -> None:
        # [event bodies, calls, postings, journal entries, postings waiting]
        self._by: dict[str, list[int]] = {}

    def add(self, reservation: str | None, room: str | None, erased: Erased) -> None:
        key = f"r {reservation}" if reservation else f"room {room}"
        counts = self._by.setdefault(key, [0, 0, 0, 0, 0])
        counts[0] += erased.event_bodies
        counts[1] += erased.calls
        counts[2] += erased.postings
        counts[4] += erased.postings_waiting

    def add_journal(self, room: str, entries: int) -> None:
        self._by.setdefault(f"journal {room}", [0, 0, 0, 0, 0])[3] += entries

    def of(self, reservation: str | None, rooms: list[str]) -> Erased:
        """A stay's count, taken (so no other stay counts it again)."""
        keys = [f"journal {room}" for room in rooms]
        keys.append(f"r {reservation}" if reservation else
                    f"room {rooms[0] if rooms else ''}")
        total = [0, 0, 0, 0, 0]
        for key in keys:
            for kind, count in enumerate(self._by.pop(key, ())):
                total[kind] += count
        return Erased(*total)


def _blank_bodies(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]], now: str) -> int:
    count = 0
    for seq, body in rows:
        blank = blank_event_body(body)
        conn.execute("UPDATE inbox SET body = coalesce(?, body), erased_at = ? WHERE seq = ?",
                     (blank, now, seq))
        count += blank is not None
    return count


def _blank_calls(conn: sqlite3.Connection, rows: Iterable[tuple[str, int | None]]) -> Erased:
    calls = postings = waiting = 0
    for call_id, outbox_id in rows:
        calls += conn.execute("UPDATE calls SET dialled = '' WHERE call_id = ?",
                              (call_id,)).rowcount
        if outbox_id is None:
            continue
        row = conn.execute("SELECT payload, state FROM outbox WHERE id = ?",
                           (outbox_id,)).fetchone()
        if row is None or row[1] not in _SETTLED_POSTING:
            waiting += row is not None  # `expire_postings` blanks it once answered
            continue
        blank = blank_posting_payload(row[0])
        if blank is not None:
            conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (blank, outbox_id))
            postings += 1
    return Erased(calls=calls, postings=postings, postings_waiting=waiting)


def expire_postings(conn: sqlite3.Connection) -> int:
    """Blank the dialled number of settled postings whose call was erased while they still
    waited for the PMS's answer; how many."""
    rows = conn.execute(
        "SELECT o.id, o.payload FROM outbox AS o JOIN calls AS c ON c.outbox_id = o.id"
        " WHERE c.dialled = '' AND o.state IN ('answered', 'failed')"
        " AND json_extract(o.payload, '$.dialled') != ''").fetchall()
    count = 0
    for outbox_id, payload in rows:
        blank = blank_posting_payload(payload)
        if blank is not None:
            conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (blank, outbox_id))
            count += 1
    return count


def _blank_journal(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> int:
    count = 0
    for entry_id, detail in rows:
        blank = blank_journal_detail(detail)
        if blank is not None:
            conn.execute("UPDATE journal SET detail = ? WHERE id = ?", (blank, entry_id))
            count += 1
    return count


def _span(row: tuple[str, str, str, str | None]) -> StaySpan:
    room, reservation, since, until = row
    return StaySpan(room=room, reservation=reservation or None, since=from_text(since),
                    until=None if until is None else from_text(until))
