"""The FIAS side of the outbox: sends due reports over the link while it is up, in order.

- WA/WR/WC/RE: sent once the link accepted them (written, or ACKed in ACK mode). If the link
  drops first they stay pending and go after the next LinkUp; a duplicate of one of these is
  harmless to the PMS, a lost one is not, so one that may have arrived is sent again.
- PS: marked sent *before* it leaves, then waits for its PA (matched by P#). No PA within
  the answer timeout, or a send that may have arrived: `unknown`, never sent again (it may
  already be on the folio), logged as a warning and listed by `Reporter.unknown_postings`.
  A posting that certainly never left (LinkNotUp) goes back to pending.
- During the PMS's night audit (`NightAuditHold`) postings stay pending and the other reports
  still go; after it they go in the order they were made.

Pacing comes from the link (`LinkConfig.pacing`): `send()` returns when it may take the next.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from connector.clock import Clock
from connector.pms.fias.codec import Record
from connector.pms.fias.errors import LinkNotUp, SendFailed
from connector.pms.fias.posting_fields import PostingFields
from connector.pms.night_audit import NightAuditHold
from connector.pms.pump_wait import Waker
from connector.pms.reports import fias_record
from connector.store import Outbox, Report

log = logging.getLogger("connector.pms.reporter")

Stopping = Callable[[], bool]

BATCH = 50
# After a send that failed on a link that still says it is up (ACKs that never came).
RESEND_AFTER = timedelta(seconds=1)


class FiasLinkPort(Protocol):
    """What the pump needs of `FiasClient` / `FiasServer`."""

    @property
    def is_up(self) -> bool: ...

    async def wait_up(self) -> None: ...

    async def send(self, record: Record) -> None: ...


class _Sent(enum.Enum):
    OK = "ok"  # go on with the next report
    HELD = "held"  # stop this pass: the link is down or failing


class FiasPump:
    """Moves the outbox's "fias" reports onto the link."""

    def __init__(self, outbox: Outbox, link: FiasLinkPort, *, tz: tzinfo, clock: Clock,
                 answer_timeout: float, night_audit: NightAuditHold | None = None,
                 posting: PostingFields | None = None) -> None:
        self._outbox = outbox
        self._posting = posting
        self._night_audit = night_audit
        self._link = link
        self._tz = tz
        self._clock = clock
        self._answer_timeout = timedelta(seconds=answer_timeout)

    async def run(self, waker: Waker, stopping: Stopping) -> None:
        """Send while the link is up, sleep while it is down, until `stopping`."""
        while not stopping():
            self.expire_unanswered()
            if not self._link.is_up:
                await waker.sleep(self._answer_deadline(), self._link.wait_up())
                continue
            if await self.send_due(stopping):
                continue  # a full batch went out: there may be more at once
            await waker.sleep(_earliest(
                self._outbox.next_attempt_at("fias", hold_postings=self._holding()),
                self._answer_deadline(),
                None if self._night_audit is None else self._night_audit.lapses_at()))

    async def send_due(self, stopping: Stopping) -> bool:
        """One pass over the due reports, in order; True when a full batch went out (so
        there may be more due at once)."""
        reports = self._outbox.due("fias", self._clock.now(), BATCH,
                                   hold_postings=self._holding())
        for report in reports:
            if stopping() or await self._send(report) is _Sent.HELD:
                return False
        return len(reports) == BATCH

    def expire_unanswered(self) -> list[Report]:
        """Postings whose PA did not come within the timeout become unknown; returns them."""
        overdue = self._outbox.awaiting_answer(self._clock.now() - self._answer_timeout)
        expired = []
        for posting in overdue:
            if self._outbox.mark_unknown(posting.id, "no posting answer (PA) in "
                                         f"{self._answer_timeout.total_seconds():g} s"):
                _warn_unknown(posting, "no answer (PA) came in time")
                expired.append(posting)
        return expired

    async def _send(self, report: Report) -> _Sent:
        try:
            record = fias_record(report, self._tz, self._posting)
        except ValueError as error:
            # Payloads are checked when made; this is a damaged row. Park it, keep going.
            self._outbox.mark_failed(report.id, answer="", error=f"not a FIAS record: {error}",
                                     tries=0)
            log.error("report cannot be sent over FIAS",
                      extra={"report": report.id, "room": report.room, "error": str(error)})
            return _Sent.OK
        if report.kind == "posting":
            return await self._send_posting(report, record)
        try:
            await self._link.send(record)
        except LinkNotUp:
            return _Sent.HELD
        except SendFailed as failure:
            self._outbox.retry_later(report.id, failure.reason,
                                     self._clock.now() + RESEND_AFTER)
            return _Sent.HELD
        self._outbox.mark_sent(report.id)
        log.info("report sent to the PMS", extra={
            "report": report.id, "kind": report.kind, "room": report.room})
        return _Sent.OK

    async def _send_posting(self, report: Report, record: Record) -> _Sent:
        if self._holding():
            return _Sent.OK  # a PA NA earlier in this pass began an audit: it waits, pending
        self._outbox.mark_sent(report.id)  # before it leaves: never twice, even after a crash
        try:
            await self._link.send(record)
        except LinkNotUp:
            self._outbox.retry_later(report.id, "FIAS link not up", self._clock.now(), tries=0)
            return _Sent.HELD
        except SendFailed as failure:
            if failure.maybe_delivered:
                if self._outbox.mark_unknown(report.id, failure.reason):
                    _warn_unknown(report, f"the send may have arrived ({failure.reason})")
            else:
                self._outbox.retry_later(report.id, failure.reason,
                                         self._clock.now() + RESEND_AFTER)
            return _Sent.HELD
        log.info("posting sent to the PMS", extra={
            "report": report.id, "room": report.room, "p_number": report.p_number})
        return _Sent.OK

    def _holding(self) -> bool:
        return self._night_audit is not None and self._night_audit.holding

    def _answer_deadline(self) -> datetime | None:
        oldest = self._outbox.oldest_awaiting_answer()
        return None if oldest is None else oldest + self._answer_timeout


def _earliest(*deadlines: datetime | None) -> datetime | None:
    """The earliest deadline (None: there is none)."""
    return min((d for d in deadlines if d is not None), default=None)


def _warn_unknown(posting: Report, why: str) -> None:
    log.warning(
        "posting outcome unknown: check the folio; it will not be sent again",
        extra={"report": posting.id, "room": posting.room, "p_number": posting.p_number,
               "why": why},
    )
