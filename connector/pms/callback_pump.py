"""The webhook side of the outbox: POSTs each due report to the PMS's callback URL, signed
like the webhook door (docs/reporter.md), in order, until the PMS answers 2xx.

- 2xx: delivered (`sent`; a posting `answered`, with the `status` the PMS gave, else OK).
- 408, 429, 5xx, a timeout or a dropped connection: the PMS is busy or away; tried again
  with exponential backoff (tenacity), `retry_max` times in a row, then the report waits
  `retry_backoff_max_seconds` and the round starts again. It is never dropped for this.
- 3xx, 401, 403, 404: the callback is misconfigured (wrong URL, wrong secret) rather than the
  report wrong; logged as an error naming the setting, and kept and retried like the above, so
  fixing the setting loses nothing.
- Any other 4xx: the PMS refused this report; `failed`, with its answer kept.

Every attempt is signed afresh (a retry must not carry a stale timestamp). The report's `id`
is the same on every attempt: the PMS must treat it as an idempotency key, since a 2xx that
was lost on the way back means the report arrives again.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from datetime import timedelta

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from connector.clock import Clock
from connector.pms.pump_wait import Waker
from connector.pms.reports import callback_body
from connector.store import Outbox, Report
from connector.web.signing import signature_headers

log = logging.getLogger("connector.pms.reporter")

BATCH = 50
_ANSWER_TEXT_LIMIT = 500
_STATUS = re.compile(r"[A-Z]{2}")
_MISCONFIGURED = frozenset({401, 403, 404})
_BUSY = frozenset({408, 429})


class CallbackUnavailable(Exception):
    """The PMS did not take the report this time; try again later."""


class CallbackRefused(Exception):
    """The PMS refused the report for good; `answer` is what it said."""

    def __init__(self, status: int, answer: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.answer = answer


class CallbackPump:
    """Moves the outbox's "webhook" reports to the PMS's callback URL."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        url: str,
        secrets: Sequence[str],
        report_id: Callable[[Report], str],
        clock: Clock,
        http: httpx.AsyncClient,
        retry_max: int,
        backoff: float,
        backoff_max: float,
    ) -> None:
        if not secrets:
            raise ValueError("the callback needs a secret to sign with")
        self._outbox = outbox
        self._url = url
        self._secrets = tuple(secrets)
        self._report_id = report_id
        self._clock = clock
        self._http = http
        self._retry_max = retry_max
        self._backoff, self._backoff_max = backoff, backoff_max

    async def run(self, waker: Waker, stopping: Callable[[], bool]) -> None:
        """Deliver what is due, then sleep until the next is due or a report is made."""
        while not stopping():
            if await self.send_due(stopping):
                continue
            await waker.sleep(self._outbox.next_attempt_at("webhook"))

    async def send_due(self, stopping: Callable[[], bool]) -> bool:
        """One pass, in order; True when a full batch went out (there may be more)."""
        reports = self._outbox.due("webhook", self._clock.now(), BATCH)
        for report in reports:
            if stopping() or not await self.deliver(report):
                return False
        return len(reports) == BATCH

    async def deliver(self, report: Report) -> bool:
        """Try one report until the PMS takes or refuses it, or the round of retries is
        spent; False when it is held back (then the later reports wait too)."""
        body = callback_body(report, self._report_id(report))
        tries = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._retry_max),
                wait=(wait_exponential(multiplier=self._backoff, max=self._backoff_max)
                      + wait_random(0, self._backoff)),
                retry=retry_if_exception_type(CallbackUnavailable),
                sleep=self._clock.sleep,
                reraise=True,
            ):
                with attempt:
                    tries += 1
                    response = await self._post(report, body)
        except CallbackUnavailable as error:
            at = self._clock.now() + timedelta(seconds=self._backoff_max)
            self._outbox.retry_later(report.id, str(error), at, tries=tries)
            log.warning("PMS callback unavailable; the report waits", extra={
                "report": report.id, "room": report.room, "error": str(error),
                "retry_at": at.isoformat()})
            return False
        except CallbackRefused as refused:
            self._outbox.mark_failed(report.id, refused.answer, str(refused), tries=tries)
            log.error("PMS refused a report", extra={
                "report": report.id, "kind": report.kind, "room": report.room,
                "status": refused.status})
            return True
        self._outbox.mark_sent(report.id, tries=tries)
        if report.p_number is not None:
            self._outbox.mark_answered(report.p_number, _posting_status(response))
        log.info("report delivered to the PMS callback", extra={
            "report": report.id, "kind": report.kind, "room": report.room})
        return True

    async def _post(self, report: Report, body: bytes) -> httpx.Response:
        timestamp = int(self._clock.now().timestamp())
        headers = {"Content-Type": "application/json",
                   **signature_headers(body, self._secrets, timestamp)}
        try:
            response = await self._http.post(self._url, content=body, headers=headers)
        except httpx.TransportError as error:
            raise CallbackUnavailable(f"{type(error).__name__}: {error}") from error
        status = response.status_code
        if 200 <= status < 300:
            return response
        if status in _BUSY or status >= 500:
            raise CallbackUnavailable(f"HTTP {status}")
        if status in _MISCONFIGURED or 300 <= status < 400:
            log.error(
                "PMS callback answered %s: check CONNECTOR_REPORTER__CALLBACK_URL and the "
                "secret (CONNECTOR_REPORTER__CALLBACK_SECRET, else CONNECTOR_WEBHOOK__SECRET); "
                "reports are kept until it works", status,
                extra={"report": report.id, "status": status})
            raise CallbackUnavailable(f"HTTP {status} (callback misconfigured?)")
        raise CallbackRefused(status, response.text[:_ANSWER_TEXT_LIMIT])


def _posting_status(response: httpx.Response) -> str:
    """The AS a webhook PMS gave a posting (`{"status": "NP"}`), else OK."""
    try:
        status = json.loads(response.content).get("status")
    except (ValueError, AttributeError):
        return "OK"
    return status if isinstance(status, str) and _STATUS.fullmatch(status) else "OK"
