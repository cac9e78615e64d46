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
An event may be due later (a call's history record exists some seconds after hang-up), and
the armed `webhook_faults` may lose it, delay it, send it twice or after the next event.
At most `max_in_flight` requests are open at once, as a sender's connection pool allows;
the 3 s answer timer starts when a request is sent.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import random
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from connector.sandbox.clock import SandboxClock
from connector.sandbox.webhook_faults import WebhookFaults
from connector.sandbox.zoom_events import signed_headers, url_validation, validation_answered

# Zoom's own waits, in minutes; the emulator's default reads them as seconds.
ZOOM_RETRY_MINUTES = (5.0, 20.0, 60.0)
ANSWER_WITHIN_SECONDS = 3.0
MAX_IN_FLIGHT = 16
# A running clock's wait for a due event is cut into steps, so a clock moved forward by
# the admin API is noticed.
_DUE_STEP_SECONDS = 0.5
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
    LOST = "lost"  # a fault: never sent


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
    due: datetime | None = None  # not sent before (None: at once)
    fault: str = ""  # what an injected fault did to it, in words
    # Out of order: not sent before this (the next event) has had its first try.
    after: Delivery | None = field(default=None, repr=False)
    tried: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "url": self.to.url,
                "state": self.state.value, "answer": self.answer,
                "due": self.due.isoformat() if self.due else None, "fault": self.fault,
                "attempts": [{"at": a.at.isoformat(), "status": a.status, "error": a.error}
                             for a in self.attempts]}


class ZoomWebhooks:
    """The app's event subscription and its delivery queue; one per Sandbox."""

    def __init__(self, clock: SandboxClock, *,
                 retry_seconds: Sequence[float] = ZOOM_RETRY_MINUTES,
                 answer_within: float = ANSWER_WITHIN_SECONDS,
                 max_in_flight: int = MAX_IN_FLIGHT, seed: int = 0) -> None:
        self._clock = clock
        self.retry_seconds = tuple(retry_seconds)
        self.answer_within = answer_within
        self.faults = WebhookFaults(random.Random(seed))
        self._sending_slots = asyncio.Semaphore(max_in_flight)
        self._held: list[Delivery] = []  # out of order: waiting for the next event
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

    def emit(self, event: str, body: bytes, *, due: datetime | None = None) -> Delivery | None:
        """Queue an event for the subscription, to be sent at `due` (None: now), as the
        armed faults allow; without a subscription Zoom sends nothing (counted). Returns
        the (first) delivery, or None."""
        if self.subscription is None:
            self.unsent += 1
            return None
        effect = self.faults.take(event)
        if effect.lost:
            lost = Delivery(next(self._seq), event, body, self.subscription, due=due,
                            state=DeliveryState.LOST, fault=effect.label)
            self.deliveries.append(lost)
            return lost
        if effect.delay:
            due = (due or self._clock.now()) + timedelta(seconds=effect.delay)
        copies = [Delivery(next(self._seq), event, body, self.subscription, due=due,
                           fault=effect.label) for _ in range(effect.copies)]
        self.deliveries += copies
        for delivery in copies:
            if effect.reorder:
                self._held.append(delivery)
            else:
                self._release_held(after=delivery)
                self._enqueue(delivery)
        return copies[0]

    def _enqueue(self, delivery: Delivery) -> None:
        self._queue.append(delivery)
        if self._wake is not None:
            self._wake.set()

    def _release_held(self, after: Delivery | None) -> None:
        """Send the events held back for being out of order, after `after`'s first try."""
        held, self._held = self._held, []
        for delivery in held:
            delivery.after = after
            self._enqueue(delivery)

    def clear(self) -> None:
        """Forget the deliveries made so far (the subscription stays)."""
        self.deliveries = [d for d in self.deliveries if d.state is DeliveryState.PENDING]
        self.unsent = 0

    async def settled(self, within: float = 10.0) -> None:
        """Until every queued event was delivered, given up or lost (TimeoutError after
        `within` seconds of real time). An event held back to go out of order, with no
        event after it, goes now."""
        self._release_held(after=None)
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
        if delivery.due is not None:
            await self._until(delivery.due)
        if delivery.after is not None:
            await delivery.after.tried.wait()
        for wait in (0.0, *self.retry_seconds):
            if wait:
                await self._clock.sleep(wait)
            attempt = await self._try(delivery)
            delivery.attempts.append(attempt)
            delivery.tried.set()
            if attempt.ok:
                delivery.state = DeliveryState.DELIVERED
                return
        delivery.state = DeliveryState.GAVE_UP

    async def _until(self, due: datetime) -> None:
        """Sleep on the sandbox clock until `due` (at once if it has passed). The wait is
        measured from now each time, so many events due together move a frozen clock once."""
        while (wait := (due - self._clock.now()).total_seconds()) > 0:
            await self._clock.sleep(wait if self._clock.frozen else min(wait, _DUE_STEP_SECONDS))

    async def _try(self, delivery: Delivery) -> Attempt:
        assert self._http is not None, "deliveries run only while started"
        async with self._sending_slots:
            at = self._clock.now()
            headers = signed_headers(delivery.body, delivery.to.secret_token, at)
            try:
                answer = await self._http.post(delivery.to.url, content=delivery.body,
                                               headers=headers, timeout=self.answer_within)
            except httpx.HTTPError as error:
                return Attempt(at, None, type(error).__name__)
        delivery.answer = answer.text[:_KEPT_ANSWER_CHARS]
        return Attempt(at, answer.status_code)
