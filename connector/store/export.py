"""Everything the store holds about one stay, as JSON-ready data (SQL): the guest's right of
access. The stay's own events (by reservation, or for a PMS keyed by room, the room's events
during the stay) and what happened in its rooms while it was there: the event log, wake-ups,
front-desk alerts, calls, reports to the PMS and the changes made in Zoom."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from connector.privacy.personal import NAMED_EVENT_TYPES
from connector.store.erasure import StayFound
from connector.store.timestamps import to_text

_END_OF_TIME = "9999-12-31T23:59:59.999999+00:00"


def export_stay(conn: sqlite3.Connection, stay: StayFound, now: str) -> dict[str, Any]:
    """The stay's data, each list oldest first; bodies and payloads as they are stored
    (blank where erased)."""
    spans = [(span.room, to_text(span.since),
              _END_OF_TIME if span.until is None else to_text(span.until))
             for span in stay.spans]
    events: dict[str, dict[str, Any]] = {}
    if stay.reservation is not None:
        for row in _rows(conn, "SELECT * FROM inbox WHERE json_extract(body, '$.reservation')"
                               " = ? ORDER BY seq", (stay.reservation,)):
            events[row["event_id"]] = row
    for room, since, until in spans:
        for row in _rows(conn,
                         "SELECT * FROM inbox WHERE occurred_at BETWEEN ? AND ?"
                         " AND ? IN (json_extract(body, '$.room'),"
                         " json_extract(body, '$.old_room')) ORDER BY seq", (since, until, room)):
            body = json.loads(row["body"])
            theirs = body.get("reservation") in (None, stay.reservation)
            if row["type"] not in (*NAMED_EVENT_TYPES, "check_out") or theirs:
                events.setdefault(row["event_id"], row)
    ids = list(events)
    during = " OR ".join(["(room = ? AND {t} BETWEEN ? AND ?)"] * len(spans)) or "0"
    bounds = [value for span in spans for value in span]
    calls_where = ("reservation = ?" if stay.reservation is not None else
                   during.format(t="start_time"))
    calls_args = [stay.reservation] if stay.reservation is not None else bounds
    return {
        "exported_at": now,
        "reservation": stay.reservation,
        "in_house": stay.in_house,
        "stays": [{"room": room, "since": since, "until": None if until == _END_OF_TIME
                   else until} for room, since, until in spans],
        "events": [{**row, "body": json.loads(row["body"])}
                   for row in sorted(events.values(), key=lambda r: int(r["seq"]))],
        "event_log": _rows(conn, "SELECT * FROM event_log WHERE event_id IN"  # noqa: S608
                                 f" ({','.join('?' * len(ids))}) ORDER BY id", ids),
        "wakeups": _rows(conn, "SELECT * FROM wakeup_jobs WHERE"  # noqa: S608
                               f" {during.format(t='requested_at')} ORDER BY id", bounds),
        "alerts": _rows(conn, "SELECT * FROM alerts WHERE"  # noqa: S608
                              f" {during.format(t='created_at')} ORDER BY id", bounds),
        "calls": _rows(conn, f"SELECT * FROM calls WHERE {calls_where}"  # noqa: S608
                             " ORDER BY start_time, call_id", calls_args),
        "reports_to_pms": [{**row, "payload": json.loads(row["payload"])} for row in _rows(
            conn, "SELECT * FROM outbox WHERE"  # noqa: S608
                  f" {during.format(t='created_at')} ORDER BY id", bounds)],
        "zoom_changes": [{**row, "detail": json.loads(row["detail"]),
                          "event_ids": json.loads(row["event_ids"])} for row in _rows(
            conn, f"SELECT * FROM journal WHERE {during.format(t='at')} ORDER BY id",  # noqa: S608
            bounds)],
    }


def _rows(conn: sqlite3.Connection, sql: str, args: Any) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, list(args))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
