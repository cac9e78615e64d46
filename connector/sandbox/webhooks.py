"""The emulated Zoom app's event subscription, and the delivery of its webhooks.

As Zoom does it (zoom-api-facts §3.8): the endpoint is saved only after it answers the
`endpoint.url_validation` challenge with the plain token and its HMAC; each event is POSTed
as JSON, signed `v0` over the exact bytes sent, with `x-zm-request-timestamp` in seconds;
an answer other than 2xx within 3 s is a failure, retried three times. Zoom waits 5, 20 and
60 *minutes* between tries; the emulator keeps the shape and compresses it to as many
*seconds* by default (`SandboxConfig.webhook_retry_seconds`), so a demo or a test sees the
retries happen. Every try is signed anew, at its own time, over the same body.

Events are queued by pure code (`emit`) and delivered by a task (`start`/`stop`, or
`sending()`), which a served sandbox runs and in-process tests run with their own client.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from connector.sandbox.clock import SandboxClock
from connector.sandbox.zoom_events import signed_headers, url_validation, validation_answered

# Zoom's own waits, in minutes; the emulator's default reads them as seconds.
ZOOM_RETRY_MINUTES = (5.0, 20.0, 60.0)
ANSWER_WITHIN_SECONDS = 3.0
_KEPT_ANSWER_CHARS = 300


class WebhookSetupError(Exception):
    """The event subscription could not be saved; the message says why, as Zoom's page would."""


@dataclass(frozen=True)
class Subscription:
    """Where the app's events go, and the secret token that signs them."""

    url: str
    secret_token: str = field(repr=False)


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status: int | None  # None: no answer (refused, timed out, cut off)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    GAVE_UP = "gave_up"


@dataclass
class Delivery:
    """One event on its way to the subscription: the body, every try and how it ended."""

    seq: int
    event: str
    body: bytes
    to: Subscription
    attempts: list[Attempt] = field(default_factory=list)
    state: DeliveryState = DeliveryState.PENDING
    answer: str = ""  # the last answer's body, cut short

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "url": self.to.url,
                "state": self.state.value, "answer": self.answer,
                "attempts": [{"at": a.at.isoformat(), "status": a.status, "error": a.error}
                             for a in self.attempts]}


class ZoomWebhooks:
    """The app's event subscription and its delivery queue; one per Sandbox."""

    def __init__(self, clock: SandboxClock, *,
                 retry_seconds: Sequence[float] = ZOOM_RETRY_MINUTES,
                 answer_within: float = ANSWER_WITHIN_SECONDS) -> None:
        self._clock = clock
        self.retry_seconds = tuple(retry_seconds)
        self.answer_within = answer_within
        self.subscription: Subscription | None = None
        self.deliveries: list[Delivery] = []
        self.unsent = 0  # events that happened with no subscription to send them to
        self._seq = itertools.count(1)
        self._queue: list[Delivery] = []
        self._wake: asyncio.Event | None = None  # made by `start`, in the loop that sends
        self._in_flight: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._own_http = False
        self._runner: asyncio.Task[None] | None = None

    # -- the subscription ------------------------------------------------------------

    async def subscribe(self, url: str, secret_token: str) -> None:
        """Save the event subscription: Zoom first challenges the endpoint with
        `endpoint.url_validation` and saves it only when the answer proves the endpoint
        holds the secret token. WebhookSetupError otherwise (the old one stays)."""
        if not secret_token:
            raise WebhookSetupError("The app has no secret token to sign its events with.")
        plain = secrets.token_urlsafe(16)
        at = self._clock.now()
        body = url_validation(plain, at)
        try:
            async with self._client() as http:
                answer = await http.post(url, content=body, timeout=self.answer_within,
                                         headers=signed_headers(body, secret_token, at))
        except httpx.HTTPError as error:
            raise WebhookSetupError(
                f"URL validation failed: {url} did not answer ({type(error).__name__})."
            ) from None
        if answer.status_code != 200:
            raise WebhookSetupError(
                f"URL validation failed: {url} answered {answer.status_code}, not 200.")
        try:
            found = answer.json()
        except ValueError:
            found = None
        if not validation_answered(found, plain, secret_token):
            raise WebhookSetupError(
                f"URL validation failed: {url} did not answer with the plain token and its "
                "HMAC under the app's secret token.")
        self.subscription = Subscription(url, secret_token)

    def unsubscribe(self) -> None:
        """No events are sent from now on (those already queued still go)."""
        self.subscription = None

    # -- events ----------------------------------------------------------------------

    def emit(self, event: str, body: bytes) -> Delivery | None:
        """Queue an event for the subscription; without one Zoom sends nothing (counted)."""
        if self.subscription is None:
            self.unsent += 1
            return None
        delivery = Delivery(next(self._seq), event, body, self.subscription)
        self.deliveries.append(delivery)
        self._queue.append(delivery)
        if self._wake is not None:
            self._wake.set()
        return delivery

    def clear(self) -> None:
        """Forget the deliveries made so far (the subscription stays)."""
        self.deliveries = [d for d in self.deliveries if d.state is DeliveryState.PENDING]
        self.unsent = 0

    async def settled(self, within: float = 10.0) -> None:
        """Until every queued event was delivered or given up (TimeoutError after `within`
        seconds of real time)."""
        async with asyncio.timeout(within):
            # The queue and the tasks are the truth; they have no notification to wait on.
            while self._queue or self._in_flight:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    # -- the sender ------------------------------------------------------------------

    async def start(self, http: httpx.AsyncClient | None = None) -> None:
        """Start delivering (with `http`, e.g. over ASGI in tests; else a client of its own)."""
        if self._runner is not None:
            return
        self._own_http = http is None
        self._http = http or httpx.AsyncClient()
        self._wake = asyncio.Event()
        if self._queue:
            self._wake.set()
        self._runner = asyncio.create_task(self._run(self._wake), name="sandbox-webhooks")

    async def stop(self) -> None:
        """Stop delivering; tries in flight are abandoned, as when Zoom is switched off."""
        tasks = [t for t in (self._runner, *self._in_flight) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._runner = None
        self._in_flight.clear()
        self._wake = None
        if self._own_http and self._http is not None:
            await self._http.aclose()
        self._http = None

    @asynccontextmanager
    async def sending(self, http: httpx.AsyncClient | None = None) -> AsyncIterator[None]:
        """`start` on entry, `stop` on exit."""
        await self.start(http)
        try:
            yield
        finally:
            await self.stop()

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._http is not None:
            yield self._http
            return
        async with httpx.AsyncClient() as http:
            yield http

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            await wake.wait()
            wake.clear()
            while self._queue:
                task = asyncio.create_task(self._deliver(self._queue.pop(0)))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)

    async def _deliver(self, delivery: Delivery) -> None:
        for wait in (0.0, *self.retry_seconds):
            if wait:
                await self._clock.sleep(wait)
            attempt = await self._try(delivery)
            delivery.attempts.append(attempt)
            if attempt.ok:
                delivery.state = DeliveryState.DELIVERED
                return
        delivery.state = DeliveryState.GAVE_UP

    async def _try(self, delivery: Delivery) -> Attempt:
        assert self._http is not None, "deliveries run only while started"
        at = self._clock.now()
        headers = signed_headers(delivery.body, delivery.to.secret_token, at)
        try:
            answer = await self._http.post(delivery.to.url, content=delivery.body,
                                           headers=headers, timeout=self.answer_within)
        except httpx.HTTPError as error:
            return Attempt(at, None, type(error).__name__)
        delivery.answer = answer.text[:_KEPT_ANSWER_CHARS]
        return Attempt(at, answer.status_code)
