"""The cloud PMS side of the outbox: hands each due "cloud" report to the vendor's adapter
(`CloudPms.send`), in order, and keeps what it answered.

- The vendor cannot carry this kind of report at all (`can_send` False): `failed`, with the
  reason, never sent (e.g. a wake-up answer to Cloudbeds, which has no wake-up object).
- `Sent`: `sent` (a posting: `answered` OK).
- `Refused`: `failed`, with the PMS's answer.
- `Unavailable`: tried again later (exponential backoff, and never sooner than the PMS
  asked); the reports after it wait, so the PMS hears things in order.
- `Unknown`: a posting becomes `unknown`, exactly as a FIAS posting whose answer never came:
  it is never sent again (`connector calls resolve` settles it); any other report is tried
  again later (saying a room status twice is harmless).

A posting is marked sent before it leaves, so a crash mid-send can never post it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from connector.clock import Clock
from connector.pms.cloud.backoff import Backoff
from connector.pms.cloud.contract import (
    CloudPms,
    Refused,
    SendResult,
    Sent,
    Unavailable,
    Unknown,
)
from connector.pms.pump_wait import Waker
from connector.store import Outbox, Report

log = logging.getLogger("connector.pms.reporter")

BATCH = 50
_ANSWER_TEXT_LIMIT = 500


class CloudPump:
    """Moves the outbox's "cloud" reports to the cloud PMS through its adapter."""

    def __init__(self, outbox: Outbox, adapter: CloudPms, *, clock: Clock,
                 reference: Callable[[Report], str], backoff: Backoff | None = None) -> None:
        """`reference`: a report's id as the PMS keeps it, unique across store resets."""
        self._outbox = outbox
        self._adapter = adapter
        self._reference = reference
        self._clock = clock
        self._backoff = backoff or Backoff()

    async def run(self, waker: Waker, stopping: Callable[[], bool]) -> None:
        """Deliver what is due, then sleep until the next is due or a report is made."""
        while not stopping():
            if await self.send_due(stopping):
                continue
            await waker.sleep(self._outbox.next_attempt_at("cloud"))

    async def send_due(self, stopping: Callable[[], bool]) -> bool:
        """One pass, in order; True when a full batch went out (there may be more)."""
        reports = self._outbox.due("cloud", self._clock.now(), BATCH)
        for report in reports:
            if stopping() or not await self.deliver(report):
                return False
        return len(reports) == BATCH

    async def deliver(self, report: Report) -> bool:
        """Say one report to the PMS; False when it is held back (the later ones wait)."""
        vendor = self._adapter.kind
        if not self._adapter.can_send(report):
            self._outbox.mark_failed(report.id, answer="",
                                     error=f"{vendor} cannot carry a {report.kind} report",
                                     tries=0)
            log.info("report not deliverable: the PMS cannot carry it", extra={
                "report": report.id, "kind": report.kind, "room": report.room,
                "vendor": vendor})
            return True
        posting = report.kind == "posting"
        if posting:
            self._outbox.mark_sent(report.id)  # before it leaves: never twice
        try:
            result = await self._adapter.send(report, reference=self._reference(report))
        except Exception as error:  # an adapter's bug: as if the answer were lost
            log.exception("the PMS adapter failed to send a report",
                          extra={"report": report.id, "kind": report.kind})
            result = Unknown(f"{type(error).__name__} in the {vendor} adapter")
        return self._settle(report, result)

    def _settle(self, report: Report, result: SendResult) -> bool:
        posting = report.kind == "posting"
        match result:
            case Sent():
                if posting:
                    assert report.p_number is not None
                    self._outbox.mark_answered(report.p_number, "OK")
                else:
                    self._outbox.mark_sent(report.id)
                log.info("report delivered to the PMS", extra={
                    "report": report.id, "kind": report.kind, "room": report.room})
                return True
            case Refused(answer=answer):
                if posting:  # refused, so certainly not on the folio: back, then failed
                    self._outbox.retry_later(report.id, "refused", self._clock.now(), tries=0)
                self._outbox.mark_failed(report.id, answer[:_ANSWER_TEXT_LIMIT],
                                         "refused by the PMS")
                log.error("PMS refused a report", extra={
                    "report": report.id, "kind": report.kind, "room": report.room})
                return True
            case Unknown(reason=reason) if posting:
                if self._outbox.mark_unknown(report.id, reason):
                    log.warning(
                        "posting outcome unknown: check the folio; it will not be sent again",
                        extra={"report": report.id, "room": report.room,
                               "p_number": report.p_number, "why": reason})
                return True
            case Unavailable(reason=reason, retry_after=retry_after):
                return self._later(report, reason, retry_after)
            case Unknown(reason=reason):
                return self._later(report, reason, 0.0)
        raise AssertionError(f"not a send result: {result!r}")  # pragma: no cover

    def _later(self, report: Report, reason: str, retry_after: float) -> bool:
        wait = self._backoff.wait(report.attempts + 1, retry_after)
        at = self._clock.now() + timedelta(seconds=wait)
        self._outbox.retry_later(report.id, reason, at)
        log.warning("PMS unavailable; the report waits", extra={
            "report": report.id, "room": report.room, "error": reason,
            "retry_at": at.isoformat()})
        return False
