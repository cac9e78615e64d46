"""The reporter: everything the connector tells the PMS, through the durable outbox.

The application calls (`wakeup_answer`, `wakeup_set_by_guest`, `wakeup_cleared_by_guest`,
`maid_status`, `guest_service`, `post_charge`) check the report, keep it in the store and
return at once; `run()` delivers in the background over the channel chosen at start-up
(`reporter_channels`): the FIAS link (`fias_pump`) or a signed callback URL
(`callback_pump`). With no channel the reports are kept, and `status()` says so, until a
restart with one configured sends them.

Wiring (for `connector serve`):

    channel = choose_channel(settings.reporter, settings.webhook, fias_endpoint_or_None)
    reporter = Reporter(store, channel, tz=hotel_tz, clock=clock)
    task = asyncio.create_task(reporter.run())
    # in the FIAS event loop:
    #   LinkUp                               -> reporter.nudge()
    #   RecordReceived with record.type "PA" -> reporter.on_posting_answer(record)
    #   RecordReceived with NS / NE          -> reporter.on_night_audit(started=True/False)
    # shutdown, before closing the FIAS link:
    await reporter.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import datetime, timedelta, tzinfo

import httpx
from prometheus_client import CollectorRegistry, Gauge

from connector.clock import Clock, SystemClock
from connector.pms.callback_pump import CallbackPump
from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.outbound import (
    AnswerStatus,
    GuestServiceStatus,
    MaidStatus,
    parse_posting_answer,
)
from connector.pms.fias_pump import FiasPump
from connector.pms.night_audit import NightAuditHold
from connector.pms.pump_wait import Waker
from connector.pms.reporter_channels import (
    CallbackChannel,
    CloudChannel,
    FiasChannel,
    ReportChannel,
)
from connector.pms.reporter_status import NO_CHANNEL_HINT, ReporterStatus, reporter_status
from connector.pms.reports import (
    guest_service_payload,
    maid_status_payload,
    posting_payload,
    room_condition_payload,
    wakeup_answer_payload,
    wakeup_time_payload,
)
from connector.store import Channel, NewReport, Report, ReportKind, Store, StoreError

log = logging.getLogger("connector.pms.reporter")

# Where the store keeps this database's random name, which prefixes the report ids a PMS
# sees (callback ids, a cloud PMS's charge reference): a fresh database (after a disk loss)
# restarts its ids at 1, and a PMS that deduplicates on the id must not take the new reports
# for old ones.
INSTANCE_KEY = "reporter.instance"
STORE_RETRY = timedelta(seconds=5)


class Reporter:
    """Reports to the PMS: kept first, delivered by `run()`. One per connector."""

    def __init__(self, store: Store, channel: ReportChannel | None, *, tz: tzinfo,
                 clock: Clock | None = None, registry: CollectorRegistry | None = None) -> None:
        self._store = store
        self._outbox = store.outbox
        self.channel = channel
        self._tz = tz
        self._clock: Clock = clock or SystemClock()
        # Only FIAS has a night audit; a webhook PMS answers for itself.
        self.night_audit: NightAuditHold | None = None
        if isinstance(channel, FiasChannel):
            hold = NightAuditHold(store, clock=self._clock,
                                  max_hours=channel.night_audit_max_hours)
            self.night_audit = hold
            if registry is not None:
                Gauge("connector_fias_night_audit",
                      "1 while postings wait for the PMS's night audit.",
                      registry=registry).set_function(lambda: float(hold.in_progress()))
                Gauge("connector_fias_night_audit_seconds",
                      "How long postings have waited for the PMS's night audit (0: none).",
                      registry=registry).set_function(hold.held_seconds)
        if registry is not None:
            Gauge("connector_pms_report_oldest_seconds",
                  "Age of the oldest report to the PMS not delivered yet (0: none waits); "
                  "postings held for the night audit apart.",
                  registry=registry).set_function(self._oldest_waiting_seconds)
        self._waker = Waker(self._clock)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def _oldest_waiting_seconds(self) -> float:
        held = self.night_audit is not None and self.night_audit.in_progress()
        try:
            oldest = self._outbox.oldest_pending(postings=not held)
        except StoreError as error:
            log.warning("oldest report not read for the metrics: %s", error)
            return 0.0
        return 0.0 if oldest is None else max(0.0, (self._clock.now() - oldest).total_seconds())

    # The application's calls: each keeps its report durably, then returns.

    def wakeup_answer(self, room: str, requested_at: datetime,
                      status: AnswerStatus | str) -> Report:
        """The one final result of a wake-up (WA). `requested_at` is the time the wake-up was
        asked for, not now: the PMS finds its request by it."""
        payload = wakeup_answer_payload(room, requested_at, status, self._tz)
        return self._keep("wakeup_answer", room, payload)

    def wakeup_set_by_guest(self, room: str, at: datetime) -> Report:
        """A wake-up the guest set from the room phone (WR)."""
        return self._keep("wakeup_set", room, wakeup_time_payload(room, at, self._tz))

    def wakeup_cleared_by_guest(self, room: str, at: datetime) -> Report:
        """A wake-up the guest cancelled from the room phone (WC); `at` is its time."""
        return self._keep("wakeup_clear", room, wakeup_time_payload(room, at, self._tz))

    def wakeup_set_report(self, room: str, at: datetime) -> NewReport:
        """The WR of `wakeup_set_by_guest`, not yet kept: for `Store.ingest(...,
        reports=...)`, which keeps it in the commit of the event that set the wake-up (the
        console's; call `nudge()` once committed)."""
        return NewReport("wakeup_set", room, wakeup_time_payload(room, at, self._tz),
                         self._channel_name())

    def wakeup_clear_report(self, room: str, at: datetime) -> NewReport:
        """The WC of `wakeup_cleared_by_guest`, not yet kept (as `wakeup_set_report`)."""
        return NewReport("wakeup_clear", room, wakeup_time_payload(room, at, self._tz),
                         self._channel_name())

    def maid_status(self, room: str, status: MaidStatus | int) -> Report:
        """Housekeeping's room status dialled from the room phone (RE with RS 1-6)."""
        return self._keep("maid_status", room, maid_status_payload(room, status))

    def guest_service(self, room: str, status: GuestServiceStatus | int) -> Report:
        """DND or make-up room set on the room phone, or both off (RE with RS 8/9/10)."""
        return self._keep("guest_service", room, guest_service_payload(room, status))

    def guest_service_report(self, room: str, status: GuestServiceStatus | int) -> NewReport:
        """The same report, not yet kept: for `Store.ingest(..., reports=...)`, which keeps
        it in the transaction of the event behind it (call `nudge()` once committed)."""
        return NewReport("guest_service", room, guest_service_payload(room, status),
                         self._channel_name())

    def room_condition(self, room: str, condition: str,
                       status: MaidStatus | int) -> Report | None:
        """An extra housekeeping code (`out_of_order`, `maintenance`) keyed on the room phone,
        with the maid status it leaves the room in. A webhook PMS gets a maid status report
        with `condition` beside it; FIAS RS cannot carry it, so over FIAS nothing is sent
        (None; the room state keeps it, and it is logged)."""
        if isinstance(self.channel, FiasChannel):
            log.info("room condition kept locally: FIAS cannot carry it",
                     extra={"room": room, "condition": condition})
            return None
        return self._keep("maid_status", room, room_condition_payload(room, condition, status))

    def post_charge(self, room: str, amount_minor: int, dialled: str, duration_seconds: int,
                    at: datetime, posting_type: str = "C", class_name: str | None = None) -> int:
        """A call charge for the room's folio (PS, a direct charge by default): `amount_minor`
        in integer minor units (150 = 1.50), the call ended `at`. Returns its P#, allocated
        with the posting in one commit; the posting is sent once, at most."""
        report = self._keep("posting", room, dict(self.charge_report(
            room, amount_minor, dialled, duration_seconds, at, posting_type,
            class_name).payload))
        assert report.p_number is not None
        return report.p_number

    def charge_report(self, room: str, amount_minor: int, dialled: str, duration_seconds: int,
                      at: datetime, posting_type: str = "C",
                      class_name: str | None = None) -> NewReport:
        """The same posting as `post_charge`, checked but not yet kept: for
        `Store.post_call`, which keeps it (with its P#) in the commit that marks the call
        posted, so a crash cannot post a call twice (call `nudge()` once committed).
        `class_name`: its tariff class (the FIAS PC, where the IFC wants one; ValueError
        when the hotel gave none for it)."""
        fields = self.channel.posting if isinstance(self.channel, FiasChannel) else None
        payload = posting_payload(room, amount_minor=amount_minor, dialled=dialled,
                                  duration_seconds=duration_seconds, at=at,
                                  posting_type=posting_type, tz=self._tz,
                                  class_name=class_name, fields=fields)
        return NewReport("posting", room, payload, self._channel_name())

    # The FIAS event loop's calls

    def on_posting_answer(self, record: Record) -> Report | None:
        """A PA from the PMS: settles the posting with its P#; AS NA (night audit) instead
        makes it pending again and holds postings until NE. Returns it, or None for a PA
        that matches no waiting posting (logged) or cannot be read (logged)."""
        try:
            p_number, status = parse_posting_answer(record)
        except MappingError as error:
            log.warning("unreadable posting answer (PA) skipped", extra={"error": str(error)})
            return None
        if status == AnswerStatus.NIGHT_AUDIT and self.night_audit is not None:
            return self._refused_for_night_audit(p_number)
        posting = self._outbox.mark_answered(p_number, status)
        if posting is None:
            log.warning("posting answer (PA) for no waiting posting",
                        extra={"p_number": p_number, "status": status})
        elif status == AnswerStatus.OK:
            log.info("posting accepted by the PMS",
                     extra={"room": posting.room, "p_number": p_number})
        else:
            log.warning("posting refused by the PMS", extra={
                "room": posting.room, "p_number": p_number, "status": status})
        return posting

    def on_night_audit(self, *, started: bool) -> None:
        """NS (`started`) or NE from the PMS: postings wait from NS, and go after NE."""
        if self.night_audit is None:
            return
        if started:
            self.night_audit.started("NS")
        elif self.night_audit.ended():
            self._waker.wake()

    def _refused_for_night_audit(self, p_number: int) -> Report | None:
        assert self.night_audit is not None
        posting = self._outbox.refuse_for_night_audit(p_number)
        if posting is None:
            log.warning("posting answer (PA) for no waiting posting",
                        extra={"p_number": p_number, "status": AnswerStatus.NIGHT_AUDIT})
            return None
        # An NA without NS still means an audit: sending the next postings now would only
        # be refused too.
        self.night_audit.started("NA")
        log.info("posting refused for the night audit: it goes again after it, same P#",
                 extra={"room": posting.room, "p_number": p_number})
        return posting

    def nudge(self) -> None:
        """Look at the outbox now (call on LinkUp; reports made here nudge by themselves)."""
        self._waker.wake()

    # Running

    async def run(self) -> None:
        """Deliver reports until `stop()`. Pending reports made while no (or another) channel
        was configured go through this one."""
        self._task = asyncio.current_task()
        channel = self.channel
        if channel is None:
            waiting = self._outbox.pending_counts().total("pending")
            log.warning("no channel for reports to the PMS; they are kept",
                        extra={"waiting": waiting, "hint": NO_CHANNEL_HINT})
            await self._stopping.wait()
            return
        while not self._stopping.is_set():
            try:
                await self._deliver(channel)
            except StoreError as error:
                # A full or failing disk: the reports are safe where they are; try again.
                log.error("reports to the PMS paused: the database failed",
                          extra={"error": str(error)})
                await self._waker.sleep(self._clock.now() + STORE_RETRY)

    async def _deliver(self, channel: ReportChannel) -> None:
        moved = self._outbox.adopt(channel.name)
        if moved:
            log.info("pending reports moved to this channel",
                     extra={"channel": channel.name, "reports": moved})
        if isinstance(channel, FiasChannel):
            await self._fias_pump(channel).run(self._waker, self._stopping.is_set)
        elif isinstance(channel, CloudChannel):
            # Imported only for a cloud PMS, as its adapter is.
            from connector.pms.cloud_pump import CloudPump

            instance = self._instance()
            await CloudPump(self._outbox, channel.adapter, clock=self._clock,
                            reference=lambda report: f"{instance}-{report.id}").run(
                self._waker, self._stopping.is_set)
        else:
            async with httpx.AsyncClient(timeout=channel.timeout) as http:
                await self._callback_pump(channel, http).run(
                    self._waker, self._stopping.is_set)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop delivering: the report in flight may finish within `grace` seconds, else it
        is cut off (a report cut off stays pending, a posting cut off becomes unknown)."""
        self._stopping.set()
        self._waker.wake()
        task = self._task
        if task is None or task.done():
            return
        _done, pending = await asyncio.wait({task}, timeout=grace)
        if pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # For people

    def status(self) -> ReporterStatus:
        max_hours = None if self.night_audit is None else (
            self.night_audit.max_duration.total_seconds() / 3600)
        return reporter_status(self._store, None if self.channel is None else self.channel.name,
                               night_audit_max_hours=max_hours)

    def unknown_postings(self) -> list[Report]:
        """Postings that may or may not be on the folio, oldest first."""
        return self._outbox.unknown_postings()

    # Plumbing

    def _channel_name(self) -> Channel | None:
        return None if self.channel is None else self.channel.name

    def _keep(self, kind: ReportKind, room: str, payload: dict[str, object]) -> Report:
        report = self._outbox.enqueue(kind, room, payload, channel=self._channel_name())
        log.info("report to the PMS kept", extra={
            "report": report.id, "kind": kind, "room": room, "p_number": report.p_number})
        self._waker.wake()
        return report

    def _fias_pump(self, channel: FiasChannel) -> FiasPump:
        return FiasPump(self._outbox, channel.link, tz=self._tz, clock=self._clock,
                        answer_timeout=channel.answer_timeout, night_audit=self.night_audit,
                        posting=channel.posting)

    def _instance(self) -> str:
        """This database's random name (made once, kept in the store)."""
        instance = self._store.meta(INSTANCE_KEY)
        if instance is None:
            instance = secrets.token_hex(4)
            self._store.set_meta(INSTANCE_KEY, instance)
        return instance

    def _callback_pump(self, channel: CallbackChannel, http: httpx.AsyncClient) -> CallbackPump:
        instance = self._instance()
        return CallbackPump(
            self._outbox, url=channel.url,
            secrets=[s.get_secret_value() for s in channel.secrets],
            report_id=lambda report: f"{instance}-{report.id}",
            clock=self._clock, http=http, retry_max=channel.retry_max,
            backoff=channel.backoff, backoff_max=channel.backoff_max)
