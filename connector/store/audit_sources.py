"""The audit trail's built-in sources: what the store already keeps about each room, read as
audit entries (`connector.store.audit`).

Each reads only columns without personal data: the event log's words (written without
names), the journal's change (never its detail, which may hold names where the hotel allows
it), job and report states, a call's direction, length and money (never the number dialled).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, tzinfo

from connector.billing.money import format_major, minor_units_of
from connector.hotel_time import hotel_time
from connector.store.audit import AuditEntry, AuditQuery, AuditSource
from connector.store.erasure import ERASED_ACTION, PMS, RETENTION
from connector.store.timestamps import from_text, to_text

# Who asked, by the door an event came through (`source` in the event log).
_DOORS = {
    "api": "PMS (API)",
    "fias": "PMS (FIAS)",
    "webhook": "PMS (webhook)",
    "phone": "room phone",
    "zoom": "Zoom (the phone's presence)",
    "nightly_reset": "nightly housekeeping reset",
    "console": "front desk (console)",
}

_GUEST_SERVICE = {8: "do not disturb on", 9: "make-up room", 10: "do not disturb and "
                  "make-up room off"}
# Reports that carry what a guest keyed on the room phone (a make-up room request has no
# other trace: it changes nothing in the room's state).
_REPORTED_FOR = {"guest_service": "room phone", "wakeup_set": "room phone",
                 "wakeup_clear": "room phone"}
_ALERTS = {"wakeup_not_answered": "not answered",
           "wakeup_missed": "missed (the connector was down)"}


def _since(query: AuditQuery) -> str:
    # Text order is time order (connector.store.timestamps); "" is before every time.
    return "" if query.since is None else to_text(query.since)


def pms_events(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """What each event (from the PMS, the room phone, Zoom's presence, the nightly reset)
    did to the room, as the event log says it."""
    rows = conn.execute(
        "SELECT event_id, type, source, reservation, outcome, words, received_at"
        " FROM event_log WHERE room = ? AND received_at >= ? ORDER BY id",
        (query.room, _since(query)))
    for event_id, kind, source, reservation, outcome, words, received in rows:
        what = {"changed": words, "no change": "no change (the room already was so)",
                "duplicate": "no change (the same event delivered again)"}[outcome]
        stay = f" for reservation {reservation}" if reservation else ""
        yield AuditEntry(at=from_text(received), room=query.room, kind="event",
                         by=_DOORS.get(source, source), what=what,
                         why=f"{kind.replace('_', ' ')} event{stay}", ref=event_id)


def zoom_changes(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """What the connector changed in Zoom, and the events or the repair that called for it."""
    rows = conn.execute(
        "SELECT id, change, json_extract(detail, '$.why'), event_ids, at FROM journal"
        " WHERE room = ? AND at >= ? ORDER BY at, id", (query.room, _since(query)))
    for entry_id, change, why, event_ids, at in rows:
        events = json.loads(event_ids)
        if events:
            reason = "for event" + ("s " if len(events) > 1 else " ") + ", ".join(events)
        else:
            # Entries written before the journal said why: no event means a re-check.
            reason = why or "no event: a re-check or a repair of a difference found in Zoom"
        yield AuditEntry(at=from_text(at), room=query.room, kind="zoom", by="connector",
                         what=change, why=reason, ref=f"journal {entry_id}")


def wakeups(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """Each wake-up scheduled, each of its calls, and how it ended (answered, not,
    cleared)."""
    since = _since(query)
    rows = conn.execute(
        "SELECT id, requested_at, set_by_event, state, attempts, last_outcome, answer,"
        " created_at, finished_at FROM wakeup_jobs"
        " WHERE room = ? AND (created_at >= ? OR finished_at >= ?) ORDER BY id",
        (query.room, since, since))
    for job_id, requested, event_id, state, attempts, outcome, answer, created, finished in rows:
        ref = f"wake-up job {job_id}"
        when = hotel_time(from_text(requested), query.tz)
        yield AuditEntry(at=from_text(created), room=query.room, kind="wake-up",
                         by="connector", what=f"wake-up for {when} scheduled",
                         why=f"event {event_id}", ref=ref)
        yield from _calls(conn, job_id, when, since, query)
        if finished is None:
            continue
        if state == "cancelled":
            what, why = f"wake-up for {when} cancelled", "cleared, or the stay ended"
        else:
            calls = f"{attempts} call{'s' if attempts != 1 else ''}"
            what = f"wake-up for {when} ended: {answer} after {calls}"
            why = f"last call {outcome}" if outcome else "no call could be placed"
        yield AuditEntry(at=from_text(finished), room=query.room, kind="wake-up",
                         by="connector", what=what, why=why, ref=ref)


def _calls(conn: sqlite3.Connection, job_id: int, when: str, since: str,
           query: AuditQuery) -> Iterator[AuditEntry]:
    """A wake-up's calls that ended, one entry each (one still ringing: none yet)."""
    rows = conn.execute(
        "SELECT attempt, started_at, ended_at, outcome FROM wakeup_attempts"
        " WHERE job_id = ? AND ended_at >= ? ORDER BY attempt", (job_id, since))
    for attempt, started, ended, outcome in rows:
        yield AuditEntry(at=from_text(ended), room=query.room, kind="wake-up",
                         by="connector",
                         what=f"wake-up for {when}: call {attempt} {outcome.replace('_', ' ')}",
                         why=f"rang at {hotel_time(from_text(started), query.tz)}",
                         ref=f"wake-up job {job_id}")


def reports(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """What the connector told (or is to tell) the PMS about the room, and how it went."""
    rows = conn.execute(
        "SELECT id, kind, payload, state, p_number, answer, created_at FROM outbox"
        " WHERE room = ? AND created_at >= ? ORDER BY id", (query.room, _since(query)))
    for report_id, kind, payload_text, state, p_number, answer, created in rows:
        payload = json.loads(payload_text)
        yield AuditEntry(at=from_text(created), room=query.room, kind="report",
                         by=_REPORTED_FOR.get(kind, "connector"),
                         what=_report_words(kind, payload, p_number, query.tz),
                         why=f"to the PMS: {state}" + (f" ({answer})" if answer else ""),
                         ref=f"report {report_id}")


def _report_words(kind: str, payload: dict[str, object], p_number: int | None,
                  tz: tzinfo) -> str:
    match kind:
        case "wakeup_answer":
            return (f"wake-up answer {payload['status']} for "
                    f"{_payload_time(payload['requested_at'], tz)}")
        case "wakeup_set":
            return f"guest set a wake-up for {_payload_time(payload['at'], tz)}"
        case "wakeup_clear":
            return f"guest cleared the wake-up for {_payload_time(payload['at'], tz)}"
        case "maid_status":
            condition = f" ({payload['condition']})" if "condition" in payload else ""
            return f"maid status {payload['status']}{condition}"
        case "guest_service":
            status = payload["status"]
            words = _GUEST_SERVICE.get(status, "") if isinstance(status, int) else ""
            return f"guest service status {status}" + (f" ({words})" if words else "")
        case "posting":
            # The payload holds the number dialled: only the posting's own number is shown.
            return f"call charge posted to the folio (P# {p_number})"
    return kind.replace("_", " ")


def _payload_time(value: object, tz: tzinfo) -> str:
    """A report's time (ISO 8601 with the hotel's offset) as the front desk reads it."""
    try:
        return hotel_time(datetime.fromisoformat(str(value)), tz)
    except ValueError:
        return str(value)


def calls(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """Outside calls from the room's phone and what became of each (never the number)."""
    rows = conn.execute(
        "SELECT call_id, direction, talk_seconds, class_name, state, reason, amount_minor,"
        " currency, p_number, start_time FROM calls WHERE room = ? AND start_time >= ?"
        " ORDER BY start_time", (query.room, _since(query)))
    for (call_id, direction, seconds, class_name, state, reason, amount, currency, p_number,
         start) in rows:
        what = f"{direction} call, {seconds} s" + (f", {class_name}" if class_name else "")
        if amount is not None and currency:
            what += f", {format_major(amount, minor_units_of(currency, None))} {currency}"
        why = state.replace("_", " ") + (f" as P# {p_number}" if p_number else "")
        yield AuditEntry(at=from_text(start), room=query.room, kind="call",
                         by="Zoom (call history)", what=what,
                         why=why + (f": {reason}" if reason else ""), ref=f"call {call_id}")


def alerts(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """Front-desk alerts raised for the room, and which staff member acknowledged each."""
    since = _since(query)
    rows = conn.execute(
        "SELECT id, kind, job_id, requested_at, operator_call, created_at, acknowledged_at,"
        " acknowledged_by FROM alerts WHERE room = ? AND (created_at >= ? OR"
        " acknowledged_at >= ?) ORDER BY id", (query.room, since, since))
    for alert_id, kind, job_id, requested, operator_call, created, acked_at, acked_by in rows:
        when = "" if requested is None else f" for {hotel_time(from_text(requested), query.tz)}"
        operator = f"; operator called: {operator_call}" if operator_call else ""
        yield AuditEntry(at=from_text(created), room=query.room, kind="alert", by="connector",
                         what=f"front-desk alert: wake-up{when} {_ALERTS.get(kind, kind)}"
                              f"{operator}",
                         why=f"wake-up job {job_id}", ref=f"alert {alert_id}")
        if acked_at is not None:
            yield AuditEntry(at=from_text(acked_at), room=query.room, kind="alert",
                             by=f"staff: {acked_by}", what=f"alert {alert_id} acknowledged",
                             why="the front desk dealt with it", ref=f"alert {alert_id}")


def console_actions(conn: sqlite3.Connection, query: AuditQuery) -> Iterator[AuditEntry]:
    """What staff did to the room from the front-desk console (the `audit` table: written
    without guest names), by name."""
    rows = conn.execute(
        "SELECT id, at, staff, action, detail FROM audit WHERE room = ? AND at >= ?"
        " ORDER BY id", (query.room, _since(query)))
    for action_id, at, staff, action, detail in rows:
        erasure = action.startswith(ERASED_ACTION)
        yield AuditEntry(at=from_text(at), room=query.room,
                         kind="erasure" if erasure else "console",
                         by=_NOT_STAFF.get(staff, f"staff: {staff}"), what=action,
                         why=detail or "a front-desk action",
                         ref=f"{'audit' if erasure else 'console'} {action_id}")


# Who wrote an `audit` row that no staff member wrote (connector.store.erasure).
_NOT_STAFF = {RETENTION: "connector (daily erasure)", PMS: "PMS"}


# In this order, entries at the same moment read as cause before effect.
DEFAULT_SOURCES: tuple[AuditSource, ...] = (console_actions, pms_events, zoom_changes,
                                            wakeups, alerts, reports, calls)
