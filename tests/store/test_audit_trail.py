"""The audit trail beside the events and the Zoom changes: wake-ups and their alerts, reports
to the PMS, call postings; and its end, once the audit window is over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.events.models import CheckIn, Guest
from connector.pms.fias.outbound import MaidStatus
from connector.store import NewAlert, NewWakeup, Store, WakeupAnswer, WakeupSync
from connector.store.audit import AuditEntry, AuditQuery
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row
from tests.store.factories import fold

EVENING = ARRIVAL + timedelta(hours=6)
MORNING_AFTER = ARRIVAL + timedelta(hours=16)
DIALLED = "442071838750"


def _unanswered_wakeup(desk: FrontDesk, room: str) -> None:
    """The PMS asks for a wake-up; nobody answers the three calls; the front desk is told."""
    desk.store.sync_wakeups(WakeupSync(create=[NewWakeup(room, MORNING_AFTER, "wr-1")]))
    desk.clock.set_now(MORNING_AFTER)
    (job,) = desk.store.wakeup_jobs([room])
    desk.store.start_wakeup_tries([job.id])
    (job,) = desk.store.wakeup_jobs([room])
    desk.clock.set_now(MORNING_AFTER + timedelta(minutes=10))
    finished = desk.store.finish_wakeup(
        job, outcome="no answer", status="NR", counted_try=True,
        report=WakeupAnswer(None, {"requested_at": MORNING_AFTER.isoformat(), "status": "NR"}),
        alert=NewAlert("wakeup_not_answered", room, MORNING_AFTER, 3, "no answer"))
    assert finished is not None and finished.alert_id is not None
    desk.store.acknowledge_alert(finished.alert_id, by="Maria (front desk)",
                                 at=MORNING_AFTER + timedelta(minutes=15))


def _said(trail: list[AuditEntry]) -> list[tuple[str, str, str]]:
    return [(e.kind, e.by, e.what) for e in trail]


def test_a_posted_call_shows_its_price_and_posting_number_never_the_number_dialled() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, talk=185))

    trail = desk.store.audit("101", since=None, tz=UTC)

    calls = [e for e in trail if e.kind == "call"]
    assert [(e.what, e.why) for e in calls] == [(
        "outbound call, 185 s, international, 4.00 EUR", "posted as P# 1")]
    postings = [e for e in trail if e.kind == "report"]
    assert [e.what for e in postings] == ["call charge posted to the folio (P# 1)"]
    assert not [e for e in trail if DIALLED in f"{e.what} {e.why} {e.ref}"]


def test_an_unanswered_wakeup_shows_its_calls_its_alert_and_who_acknowledged_it() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    _unanswered_wakeup(desk, "101")

    trail = desk.store.audit("101", since=ARRIVAL, tz=UTC)

    assert _said(trail) == [
        ("wake-up", "connector", "wake-up for 2026-12-08 06:00 UTC scheduled"),
        ("wake-up", "connector", "wake-up for 2026-12-08 06:00 UTC: call 1 no answer"),
        ("wake-up", "connector", "wake-up for 2026-12-08 06:00 UTC ended: NR after 1 call"),
        ("alert", "connector",
         "front-desk alert: wake-up for 2026-12-08 06:00 UTC not answered"),
        ("report", "connector", "wake-up answer NR for 2026-12-08 06:00 UTC"),
        ("alert", "staff: Maria (front desk)", "alert 1 acknowledged"),
    ]
    [call] = [e for e in trail if ": call " in e.what]
    assert (call.at, call.why) == (MORNING_AFTER + timedelta(minutes=10),
                                   "rang at 2026-12-08 06:00 UTC")


def test_a_maid_status_report_is_in_the_rooms_trail_only() -> None:
    desk = FrontDesk()
    desk.reporter.maid_status("102", MaidStatus.CLEAN_VACANT)

    assert [e.what for e in desk.store.audit("102", since=None, tz=UTC)] == ["maid status 3"]
    assert desk.store.audit("101", since=None, tz=UTC) == []


def test_more_sources_join_the_trail_in_time_order() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)

    def staff_actions(_conn: object, query: AuditQuery) -> list[AuditEntry]:
        return [AuditEntry(ARRIVAL - timedelta(hours=1), query.room, "console", "staff: Jo",
                           "room blocked", "renovation", "action 1")]

    store: Store = desk.store
    trail = store.audit("101", since=None, tz=UTC, sources=[staff_actions])

    assert [e.what for e in trail] == ["room blocked"]


def _check_in_narrated(desk: FrontDesk, reservation: str, at: datetime) -> None:
    """A check-in to room 101 with its line in the event log, as the service keeps it."""
    event = CheckIn(id=f"in-{reservation}", occurred_at=at, room="101",
                    reservation=reservation, guests=[Guest(last_name="Lovelace")])
    desk.store.ingest([event], fold, narrate=lambda _e, _b, _a: {"101": "room 101 occupied"})


def test_pruning_ends_the_audit_window_and_keeps_what_is_still_open() -> None:
    desk = FrontDesk()
    _check_in_narrated(desk, "R-7", ARRIVAL)
    desk.store.journal("101", "rename the user", {}, ["in-R-7-101"], ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, talk=185))  # a posting not yet answered
    _unanswered_wakeup(desk, "101")
    desk.store.outbox.mark_answered(1, "OK")  # on the folio: the call still points at it
    delivered = desk.reporter.maid_status("101", MaidStatus.DIRTY_OCCUPIED)
    desk.store.outbox.mark_sent(delivered.id)
    desk.reporter.maid_status("101", MaidStatus.DIRTY_VACANT)  # not yet delivered
    year_later = ARRIVAL + timedelta(days=401)
    desk.clock.set_now(year_later)
    _check_in_narrated(desk, "R-8", year_later)

    pruned = sum(desk.store.prune_records(year_later - timedelta(days=400)))

    assert pruned > 0
    left = desk.store.audit("101", since=None, tz=UTC)
    assert {e.kind for e in left} == {"event", "call", "report"}
    assert [e.why for e in left if e.kind == "event"] == [
        "check in event for reservation R-8"]
    assert [e.what for e in left if e.kind == "report"] == [
        "call charge posted to the folio (P# 1)", "wake-up answer NR for 2026-12-08 06:00 UTC",
        "maid status 1"]


def test_a_console_action_is_in_the_room_s_trail_by_the_staff_member_s_name() -> None:
    desk = FrontDesk()
    desk.store.staff.audit("maria", "dnd on", room="101", detail="from the room page")
    desk.store.staff.audit("maria", "signed in")  # no room: not in any room's trail

    trail = desk.store.audit("101", since=None, tz=UTC)

    assert [(e.kind, e.by, e.what, e.why) for e in trail] == [
        ("console", "staff: maria", "dnd on", "from the room page")]


def test_console_actions_leave_with_the_audit_window() -> None:
    desk = FrontDesk()
    desk.store.staff.audit("maria", "dnd on", room="101")
    desk.clock.set_now(desk.clock.now() + timedelta(days=401))

    pruned = sum(desk.store.prune_records(desk.clock.now() - timedelta(days=400)))

    assert pruned == 1
    assert desk.store.audit("101", since=None, tz=UTC) == []


def test_the_finished_wake_ups_of_a_day_are_read_without_those_before_it() -> None:
    desk = FrontDesk()
    _unanswered_wakeup(desk, "101")

    assert [job.room for job in desk.store.wakeup_jobs_done_since(MORNING_AFTER)] == ["101"]
    assert [job.room for job in desk.store.wakeup_jobs_done_since(MORNING_AFTER, "101")] == [
        "101"]
    assert desk.store.wakeup_jobs_done_since(MORNING_AFTER, "102") == []
    assert desk.store.wakeup_jobs_done_since(MORNING_AFTER + timedelta(days=1)) == []
