"""The wake-up scheduler: keeps the jobs in line with the rooms, starts every due try, and
turns each try's outcome into the next try or the one final answer to the PMS.

- Every due try starts at once; `Phone.dial` waits for a free line in FIFO order, so the
  pool size bounds concurrency and the fair order (due time, first tries, room) is kept.
- A try is marked started on disk before the room is dialled; a restart counts a try that
  was started and never finished as a failed one (it may have rung) and goes on from there.
- The final state of a wake-up and its report to the PMS are one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Collection, Coroutine, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Protocol

from connector.clock import Clock
from connector.pms.reporter_channels import ReportChannel
from connector.pms.reports import wakeup_answer_payload
from connector.rooms.state import Wakeup
from connector.settings.phone import WakeupSettings
from connector.sip.api import DialStatus, Phone
from connector.store import INTERRUPTED, NewAlert, Store, StoreError, WakeupAnswer, WakeupJob
from connector.wakeup import phrases
from connector.wakeup.alarm import Alarm
from connector.wakeup.escalation import Operator
from connector.wakeup.metrics import WakeupMetrics
from connector.wakeup.outcomes import CallOutcome
from connector.wakeup.policy import Final, Rules, TryAgain, after_try, is_missed, missed
from connector.wakeup.script import Speaking, WakeupScript
from connector.wakeup.sync import plan_sync

log = logging.getLogger("connector.wakeup")

_DIAL_OUTCOMES = {
    DialStatus.BUSY: CallOutcome.BUSY,
    DialStatus.NO_ANSWER: CallOutcome.NO_ANSWER,
    DialStatus.FAILED: CallOutcome.FAILED,
}


class AnswerReporter(Protocol):
    """What the scheduler needs of `connector.pms.reporter.Reporter`: the channel reports
    go out on, and a nudge once one is kept."""

    @property
    def channel(self) -> ReportChannel | None: ...

    def nudge(self) -> None: ...


class WakeupScheduler:
    """Runs with `run(stop)`; hears of changed rooms through `rooms_changed`."""

    def __init__(
        self,
        *,
        settings: WakeupSettings,
        store: Store,
        phone: Phone,
        speaking: Speaking,
        reporter: AnswerReporter,
        room_map: Mapping[str, str],
        clock: Clock,
        metrics: WakeupMetrics,
        stop_grace: float = 30.0,
    ) -> None:
        self._settings = settings
        self._store = store
        self._phone = phone
        self._speaking = speaking
        self._reporter = reporter
        self._room_map = room_map
        self._clock = clock
        self._metrics = metrics
        self._stop_grace = stop_grace
        self._rules = Rules.from_settings(settings)
        self._script = WakeupScript(settings, speaking, clock)
        self._operator = Operator(phone, speaking.voice, settings)
        self._alarm = Alarm(clock)
        self._tasks: set[asyncio.Task[None]] = set()
        self._trying = 0  # tries between "started" and the end of their call
        self._sync_all = True

    @property
    def tz(self) -> tzinfo:
        return self._speaking.tz

    # Hearing of changes

    def rooms_changed(self, rooms: Sequence[str]) -> None:
        """A room listener for `Connector.ingest`: bring these rooms' jobs in line with their
        state now (a cleared wake-up must not ring) and look at the schedule again. Never
        raises into the ingest: on a database error every room is synced on the next pass."""
        try:
            self._sync(rooms)
        except StoreError as error:
            self._sync_all = True
            log.error("wake-ups of changed rooms not synced; retrying for every room",
                      extra={"rooms": len(rooms), "error": str(error)})
        self._alarm.wake()

    # Running

    async def run(self, stop: asyncio.Event) -> None:
        """Place wake-up calls until `stop`; then let calls in progress finish (within the
        stop grace; a try cut off counts as failed at the next start)."""
        self._recover()
        while not stop.is_set():
            try:
                if self._sync_all:
                    self._sync(None)
                    self._sync_all = False
                waiting_for_a_line = self._start_due()
                self._update_gauges()
                # Tries left waiting for a line start when a try ends (it wakes us).
                next_due = None if waiting_for_a_line else self._store.next_wakeup_due()
            except StoreError as error:
                log.error("wake-up schedule paused: the database failed",
                          extra={"error": str(error)})
                next_due = None
            await self._alarm.sleep(next_due, stop)
        await self._finish_tasks()

    def _recover(self) -> None:
        """Tries that were in progress when the connector stopped count as failed."""
        for job in self._store.wakeup_jobs_in_state("calling"):
            assert job.started_at is not None
            log.warning("a wake-up try was cut off by a restart; counted as failed",
                        extra={"room": job.room, "job": job.id})
            self._after_try(job, CallOutcome.FAILED, ended_at=job.started_at,
                            attempt_outcome=INTERRUPTED)

    def _sync(self, rooms: Collection[str] | None) -> None:
        jobs = self._store.wakeup_jobs(rooms)
        if rooms is None:
            states = self._store.all_rooms()
            names = {*states, *(job.room for job in jobs)}
            wanted: dict[str, Sequence[Wakeup]] = {
                room: states[room].wakeups if room in states else () for room in names}
        else:
            wanted = {}
            for room in rooms:
                state = self._store.room(room)
                wanted[room] = () if state is None else state.wakeups
        plan = plan_sync(wanted, jobs, self.tz)
        if plan:
            self._store.sync_wakeups(plan)
            log.info("wake-up jobs updated", extra={
                "new": len(plan.create), "moved": len(plan.update),
                "cancelled": len(plan.cancel)})

    def _start_due(self) -> bool:
        """Start the due tries that have a line; True when some are left waiting for one."""
        now = self._clock.now()
        callable_now: list[WakeupJob] = []
        for job in self._store.due_wakeups(now):
            if is_missed(job.due_at, now, self._rules):
                log.warning("a wake-up fell due while the connector was down", extra={
                    "room": job.room, "job": job.id, "due_at": job.due_at.isoformat()})
                self._finalise(job, CallOutcome.MISSED, missed(), counted_try=False)
            else:
                callable_now.append(job)
        # Only as many tries start as there are lines free: a try is marked started before
        # it dials, so one that merely queued for a line would count as a failed try after a
        # crash. The rest stay pending, in the fair order, until a try ends.
        free = max(0, max(1, self._phone.lines_total) - self._trying)
        left_waiting = len(callable_now) > free
        callable_now = callable_now[:free]
        # The due tries are marked started in one commit, then dialled in the fair order.
        started = self._store.start_wakeup_tries([job.id for job in callable_now])
        for job in callable_now:
            if job.id in started:
                calling = dataclasses.replace(job, state="calling", started_at=now)
                self._trying += 1
                self._spawn(self._try(calling), f"wakeup-{job.id}")
        return left_waiting

    async def _try(self, job: WakeupJob) -> None:
        try:
            outcome = await self._call(job)
        except Exception:
            # A bug in a call must not stop the schedule: the try counts as failed.
            log.exception("a wake-up try failed unexpectedly", extra={"room": job.room})
            outcome = CallOutcome.FAILED
        finally:
            self._trying -= 1  # its line is free again
        self._metrics.calls.labels(outcome.value).inc()
        log.info("wake-up try ended", extra={"room": job.room, "job": job.id,
                                             "try": job.tries + 1, "outcome": outcome.value})
        try:
            self._after_try(job, outcome, ended_at=self._clock.now())
        except StoreError as error:
            # The try stays marked in progress: the next start counts it as failed.
            log.error("a wake-up try's outcome could not be kept", extra={
                "room": job.room, "job": job.id, "error": str(error)})
        self._update_gauges()
        self._alarm.wake()

    async def _call(self, job: WakeupJob) -> CallOutcome:
        extension = self._room_map.get(job.room)
        if extension is None:
            log.error("a wake-up for a room with no extension in the room map",
                      extra={"room": job.room})
            return CallOutcome.FAILED
        result = await self._phone.dial(extension, ring_timeout=self._settings.ring_seconds)
        self._metrics.lateness.observe(
            max(0.0, (self._clock.now() - job.due_at).total_seconds()))
        if result.status is not DialStatus.ANSWERED or result.call is None:
            if result.status is DialStatus.FAILED:
                log.warning("a wake-up call could not be placed", extra={
                    "room": job.room, "extension": extension, "sip_code": result.sip_code,
                    "reason": result.reason})
            return _DIAL_OUTCOMES.get(result.status, CallOutcome.FAILED)
        try:
            return await self._script.run(result.call, language=self._language(job.room),
                                          may_snooze=self._rules.may_snooze(job.snoozes))
        finally:
            await result.call.hangup()

    def _language(self, room: str) -> str | None:
        """The primary guest's language (None: the default one)."""
        state = self._store.room(room)
        stay = None if state is None else state.primary
        return None if stay is None else (stay.primary.language or None)

    # After a try

    def _after_try(self, job: WakeupJob, outcome: CallOutcome, *, ended_at: datetime,
                   attempt_outcome: str | None = None) -> None:
        """Retry, snooze or finish; the try's attempt is kept with `attempt_outcome` (by
        default the outcome's own word)."""
        decision: TryAgain | Final = after_try(
            tries_before=job.tries, snoozes=job.snoozes, outcome=outcome, ended_at=ended_at,
            rules=self._rules)
        if isinstance(decision, Final):
            self._finalise(job, outcome, decision, counted_try=True,
                           attempt_outcome=attempt_outcome)
        elif not self._store.schedule_wakeup_try(job.id, outcome=outcome.value,
                                                 due_at=decision.at, snoozed=decision.snoozed,
                                                 attempt_outcome=attempt_outcome):
            log.info("wake-up cleared during its call: no more tries, no answer",
                     extra={"room": job.room, "job": job.id})

    def _finalise(self, job: WakeupJob, outcome: CallOutcome, final: Final, *,
                  counted_try: bool, attempt_outcome: str | None = None) -> None:
        """Make the job done with its report (and alert) in one commit, then deliver."""
        tries = job.tries + int(counted_try)
        channel = self._reporter.channel
        report = WakeupAnswer(
            channel=None if channel is None else channel.name,
            payload=wakeup_answer_payload(job.room, job.requested_at, final.status, self.tz))
        alert = None if final.alert is None else NewAlert(
            kind=final.alert, room=job.room, requested_at=job.requested_at, tries=tries,
            outcome=outcome.value)
        finished = self._store.finish_wakeup(job, outcome=outcome.value,
                                             status=final.status.value,
                                             counted_try=counted_try, report=report,
                                             alert=alert, attempt_outcome=attempt_outcome)
        if finished is None:
            log.info("wake-up cleared during its call: no answer to the PMS",
                     extra={"room": job.room, "job": job.id})
            return
        self._reporter.nudge()
        log.info("wake-up finished", extra={"room": job.room, "job": job.id,
                                            "answer": final.status.value, "tries": tries})
        if final.alert is not None and finished.alert_id is not None:
            self._metrics.escalations.labels(final.alert).inc()
            self._spawn(self._escalate(finished.alert_id, job.room, outcome, tries),
                        f"wakeup-operator-{job.id}")

    async def _escalate(self, alert_id: int, room: str, outcome: CallOutcome,
                        tries: int) -> None:
        log.warning("wake-up escalated to the front desk", extra={"room": room,
                                                                  "alert": alert_id})
        speech = self._speaking.speech
        try:
            names = (phrases.operator_missed(speech, room) if outcome is CallOutcome.MISSED
                     else phrases.operator_not_answered(speech, room, tries,
                                                        busy=outcome is CallOutcome.BUSY))
            told = await self._operator.tell(names, room=room)
        except Exception:
            # The alert is the front desk's record; a failed call to the operator only
            # leaves it without that nudge.
            log.exception("the call to the operator failed", extra={"room": room})
            told = DialStatus.FAILED.value
        self._metrics.operator_calls.labels(told).inc()
        self._store.record_operator_call(alert_id, told)

    # Plumbing

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _update_gauges(self) -> None:
        self._metrics.pending.set(self._store.count_wakeup_jobs("pending")
                                  + self._store.count_wakeup_jobs("calling"))
        self._metrics.open_alerts.set(self._store.count_open_alerts())

    async def _finish_tasks(self) -> None:
        """Wait for calls in progress, up to the stop grace (on the injected clock)."""
        if not self._tasks:
            return
        grace = asyncio.ensure_future(self._clock.sleep(self._stop_grace))
        everything = asyncio.ensure_future(asyncio.wait(set(self._tasks)))
        await asyncio.wait({grace, everything}, return_when=asyncio.FIRST_COMPLETED)
        grace.cancel()
        everything.cancel()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
