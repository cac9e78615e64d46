"""The Wake-ups board as data: today's wake-ups in the hotel's time, each in the state the
front desk reads (due, ringing, retrying, confirmed, failed, escalated, cancelled).

Pure: it takes the wake-up jobs, the alerts they raised, the rooms' wake-ups and the time.
The states come from the job and its alert:

- due: waiting for its first try (or a snooze's); also a wake-up the schedule has no job
  for yet (set a moment ago);
- ringing: a try is on the line now;
- retrying: a try was not answered, the next is scheduled;
- confirmed: the guest answered (the PMS was told OK);
- escalated: it ended without the guest, and its alert waits for someone at the desk;
- failed: it ended without the guest, and someone acknowledged the alert (who and when);
- cancelled: cleared (by the PMS, the guest, the desk, or a check-out) before it ended.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from connector.rooms.state import RoomState, Wakeup
from connector.store import Alert, WakeupJob
from connector.wakeup.occurrences import occurrences


class BoardState(enum.StrEnum):
    DUE = "due"
    RINGING = "ringing"
    RETRYING = "retrying"
    CONFIRMED = "confirmed"
    ESCALATED = "escalated"
    FAILED = "failed"
    CANCELLED = "cancelled"


STATE_LABELS = {
    BoardState.DUE: "Due",
    BoardState.RINGING: "Ringing",
    BoardState.RETRYING: "Retrying",
    BoardState.CONFIRMED: "Confirmed",
    BoardState.ESCALATED: "Escalated",
    BoardState.FAILED: "Failed",
    BoardState.CANCELLED: "Cancelled",
}

_OUTCOME_WORDS = {
    "confirmed": "confirmed",
    "unconfirmed": "answered, not confirmed",
    "snoozed": "snoozed",
    "no_answer": "no answer",
    "busy": "busy",
    "failed": "call failed",
    "missed": "missed (the connector was down)",
}

CONSOLE_EVENT_PREFIX = "console-"
# How connector.ivr.guest_wakeups names the events of a wake-up set on the room phone (not
# imported: it pulls in the reporter, which imports the web package).
PHONE_EVENT_PREFIX = "phone-"


@dataclass(frozen=True)
class BoardRow:
    """One wake-up on the board. `wakeup` is the room's wake-up it belongs to while it can
    still be changed or cancelled (None once it has ended)."""

    room: str
    at: datetime
    state: BoardState
    attempts: int
    next_try: datetime | None
    last_outcome: str
    set_by: str
    alert: Alert | None
    wakeup: Wakeup | None


@dataclass(frozen=True)
class Board:
    rows: tuple[BoardRow, ...]
    counts: Mapping[BoardState, int]

    def showing(self, state: BoardState | None) -> list[BoardRow]:
        return [row for row in self.rows if state is None or row.state is state]


def outcome_words(outcome: str | None) -> str:
    return _OUTCOME_WORDS.get(outcome or "", outcome or "")


def set_by(event_id: str) -> str:
    """Who set a wake-up, from the id of the event that set it."""
    if event_id.startswith(CONSOLE_EVENT_PREFIX):
        return "front desk"
    if event_id.startswith(PHONE_EVENT_PREFIX):
        return "guest (phone)"
    return "PMS"


def board(jobs: Iterable[WakeupJob], alerts: Iterable[Alert],
          rooms: Mapping[str, RoomState], *, now: datetime, tz: tzinfo) -> Board:
    """Today's board (hotel day of `now`): every job asked for today, every job still to
    ring whatever its day, and the next time of every room wake-up that has no job yet."""
    today = now.astimezone(tz).date()
    by_job = {alert.job_id: alert for alert in alerts if alert.job_id is not None}
    rows: list[BoardRow] = []
    seen: set[tuple[str, datetime]] = set()
    for job in jobs:
        seen.add((job.room, job.requested_at))
        active = job.state in ("pending", "calling")
        if not active and job.requested_at.astimezone(tz).date() != today:
            continue
        wakeup = _wakeup_of(rooms.get(job.room), job) if active else None
        rows.append(BoardRow(
            room=job.room, at=job.requested_at, state=_state(job, by_job.get(job.id)),
            attempts=job.attempts,
            next_try=job.due_at if job.state == "pending" and job.due_at != job.requested_at
            else None,
            last_outcome=outcome_words(job.last_outcome), set_by=set_by(job.set_by_event),
            alert=by_job.get(job.id), wakeup=wakeup))
    for room, state in rooms.items():
        for wakeup in state.wakeups:
            for at in _next_time(wakeup, now, tz):
                if (room, at) not in seen:
                    rows.append(BoardRow(room=room, at=at, state=BoardState.DUE, attempts=0,
                                         next_try=None, last_outcome="",
                                         set_by=set_by(wakeup.set_by_event), alert=None,
                                         wakeup=wakeup))
    rows.sort(key=lambda row: (row.at, _room_order(row.room)))
    counts = {state: sum(1 for row in rows if row.state is state) for state in BoardState}
    return Board(tuple(rows), counts)


def _state(job: WakeupJob, alert: Alert | None) -> BoardState:
    if job.state == "calling":
        return BoardState.RINGING
    if job.state == "cancelled":
        return BoardState.CANCELLED
    if job.state == "pending":
        return BoardState.RETRYING if job.tries > 0 else BoardState.DUE
    if job.answer == "OK":
        return BoardState.CONFIRMED
    if alert is not None and alert.acknowledged_at is None:
        return BoardState.ESCALATED
    return BoardState.FAILED


def _wakeup_of(state: RoomState | None, job: WakeupJob) -> Wakeup | None:
    """The room's wake-up the job rings for (a daily one rings on several days)."""
    if state is None:
        return None
    return next((w for w in state.wakeups if w.set_by_event == job.set_by_event), None) or next(
        (w for w in state.wakeups if w.at == job.requested_at), None)


def _next_time(wakeup: Wakeup, now: datetime, tz: tzinfo) -> list[datetime]:
    """A wake-up with no job yet: its next time (a passed one is the scheduler's to settle)."""
    return [at for at in occurrences(wakeup.at, wakeup.days, tz) if at >= now][:1]


def _room_order(room: str) -> tuple[int, int, str]:
    return (0, int(room), room) if room.isdigit() else (1, 0, room)
