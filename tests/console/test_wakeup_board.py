"""The wake-up board as the desk reads it: each wake-up's state from its job and alert,
which days are on it, and who set it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connector.ivr import guest_wakeups
from connector.rooms.state import RoomState, Wakeup
from connector.store import Alert, JobState, WakeupJob
from connector.web.console.wakeup_board import PHONE_EVENT_PREFIX, BoardState, board

LISBON = ZoneInfo("Europe/Lisbon")
NOW = datetime(2026, 3, 10, 7, 20, tzinfo=LISBON)


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-{text}").replace(tzinfo=LISBON)


def job(n: int, room: str, when: str, state: JobState, *, tries: int = 0, attempts: int = 0,
        answer: str | None = None, event: str = "pms-1",
        due: datetime | None = None) -> WakeupJob:
    requested = at(when)
    return WakeupJob(id=n, room=room, requested_at=requested, set_by_event=event, state=state,
                     due_at=due or requested, tries=tries, snoozes=0, attempts=attempts,
                     last_outcome="no_answer" if attempts else None,
                     started_at=None, answer=answer)


def alert(job_id: int, room: str, *, by: str | None = None) -> Alert:
    return Alert(id=job_id, kind="wakeup_not_answered", room=room, job_id=job_id,
                 requested_at=None, tries=3, outcome="no_answer", created_at=NOW,
                 operator_call=None, acknowledged_at=NOW if by else None, acknowledged_by=by)


def test_a_morning_reads_as_due_ringing_retrying_confirmed_escalated_failed_cancelled() -> None:
    jobs = [
        job(1, "101", "10 06:30", "done", attempts=1, answer="OK"),
        job(2, "102", "10 06:45", "done", attempts=3, answer="NR"),
        job(3, "103", "10 07:00", "done", attempts=3, answer="NR"),
        job(4, "104", "10 07:10", "pending", tries=1, attempts=1,
            due=at("10 07:22")),
        job(5, "105", "10 07:20", "calling", attempts=1),
        job(6, "106", "10 08:00", "pending"),
        job(7, "107", "10 08:30", "cancelled"),
    ]
    shown = board(jobs, [alert(2, "102"), alert(3, "103", by="maria")], {}, now=NOW, tz=LISBON)
    assert [(row.room, row.state) for row in shown.rows] == [
        ("101", BoardState.CONFIRMED), ("102", BoardState.ESCALATED),
        ("103", BoardState.FAILED), ("104", BoardState.RETRYING),
        ("105", BoardState.RINGING), ("106", BoardState.DUE),
        ("107", BoardState.CANCELLED)]
    retrying = shown.rows[3]
    assert (retrying.attempts, retrying.last_outcome, retrying.next_try) == (
        1, "no answer", at("10 07:22"))
    assert shown.counts[BoardState.ESCALATED] == 1
    assert [row.room for row in shown.showing(BoardState.FAILED)] == ["103"]


def test_yesterdays_finished_wake_ups_leave_the_board_but_tomorrows_set_ones_are_on_it() -> None:
    jobs = [job(1, "101", "09 06:30", "done", answer="OK"),
            job(2, "102", "11 06:30", "pending")]
    shown = board(jobs, [], {}, now=NOW, tz=LISBON)
    assert [row.room for row in shown.rows] == ["102"]


def test_a_wake_up_the_schedule_has_no_job_for_yet_shows_as_due_and_can_be_changed() -> None:
    # Set a moment ago (the scheduler makes its job as soon as it hears of the room).
    wakeup = Wakeup(at=at("10 09:00"), set_by_event="console-wakeup-set-set-abc")
    daily = Wakeup(at=at("08 06:00"), days=5, set_by_event="phone-wakeup-set-1")
    rooms = {"101": RoomState(room="101", wakeups=(wakeup,)),
             "102": RoomState(room="102", wakeups=(daily,))}
    shown = board([], [], rooms, now=NOW, tz=LISBON)
    assert [(r.room, r.at, r.state, r.set_by) for r in shown.rows] == [
        ("101", at("10 09:00"), BoardState.DUE, "front desk"),
        ("102", at("10 06:00") + timedelta(days=1), BoardState.DUE, "guest (phone)")]
    assert shown.rows[0].wakeup == wakeup


def test_the_board_knows_a_phone_set_wake_up_by_the_prefix_the_phone_gives_it() -> None:
    assert PHONE_EVENT_PREFIX == guest_wakeups.PHONE_EVENT_PREFIX
