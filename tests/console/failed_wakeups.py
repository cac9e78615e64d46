"""A wake-up nobody answers, for the console tests: set by the PMS, then taken through the
store exactly as the wake-up scheduler takes it (tests/wakeup shows the scheduler deciding
so): three tries, two retries scheduled, the final answer NR kept for the PMS with the
front desk's alert, in one commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from connector.events.models import WakeupSet
from connector.pms.fias.outbound import AnswerStatus
from connector.pms.reports import wakeup_answer_payload
from connector.store import NewAlert, WakeupAnswer
from connector.wakeup.sync import plan_sync
from tests.web.pms import Hotel

RETRY = timedelta(minutes=2)
RING = timedelta(seconds=30)
TRIES = 3


def fail_wakeup(hotel: Hotel, room: str, at: datetime, *, in_time: bool = False) -> int:
    """The PMS's wake-up for `room` at `at` rings three times unanswered; the alert's id.
    `in_time`: the hotel's clock moves on to each try (first at `at`), as the calls would."""
    connector = hotel.connector
    store = connector.store
    connector.ingest([_wakeup_set(room, at)], source="webhook")
    state = store.room(room)
    assert state is not None
    store.sync_wakeups(plan_sync({room: state.wakeups}, store.wakeup_jobs([room]),
                                 connector.tz))
    (job,) = [j for j in store.wakeup_jobs([room]) if j.requested_at == at]
    for n in range(1, TRIES):
        _until(hotel, at + (n - 1) * RETRY, in_time)
        assert store.start_wakeup_tries([job.id]) == {job.id}
        _until(hotel, at + (n - 1) * RETRY + RING, in_time)
        assert store.schedule_wakeup_try(job.id, outcome="no_answer", due_at=at + n * RETRY,
                                         snoozed=False)
    _until(hotel, at + (TRIES - 1) * RETRY, in_time)
    assert store.start_wakeup_tries([job.id]) == {job.id}
    _until(hotel, at + (TRIES - 1) * RETRY + RING, in_time)
    calling = store.wakeup_job(job.id)
    assert calling is not None
    finished = store.finish_wakeup(
        calling, outcome="no_answer", status=AnswerStatus.NO_RESPONSE.value, counted_try=True,
        report=WakeupAnswer(channel=None, payload=wakeup_answer_payload(
            room, at, AnswerStatus.NO_RESPONSE, connector.tz)),
        alert=NewAlert(kind="wakeup_not_answered", room=room, requested_at=at, tries=TRIES,
                       outcome="no_answer"))
    assert finished is not None and finished.alert_id is not None
    return finished.alert_id


def _until(hotel: Hotel, moment: datetime, in_time: bool) -> None:
    if in_time:
        hotel.advance((moment - hotel.sandbox.clock.now()).total_seconds())


def _wakeup_set(room: str, at: datetime) -> WakeupSet:
    return WakeupSet(id=f"pms-wakeup-{room}-{at.timestamp():.0f}", occurred_at=at - timedelta(
        hours=10), room=room, at=at)
