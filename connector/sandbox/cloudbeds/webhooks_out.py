"""Posting Cloudbeds' thin webhooks to the subscribed URLs, with delivery faults.

Cloudbeds posts one JSON body per (event, subscription). What it does when an endpoint fails
is not published (UNCONFIRMED): here a failed post (no answer, or not 2xx) is tried again
`retries` more times with a doubling back-off, then dropped; during an outage of the
emulated Cloudbeds nothing is posted (lost, fault "outage"). Faults, drawn from one seeded
random generator so a run can be repeated: a fraction of notifications is **lost** (never
posted), **duplicated** (posted twice), **late** (posted `late_seconds` after the others) or
**reordered** (held back and posted after the next one).
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import httpx

from connector.clock import Clock
from connector.sandbox.cloudbeds.state import Subscription

Outcome = Literal["delivered", "lost", "failed"]


@dataclass(frozen=True, slots=True)
class WebhookFaults:
    """Fractions (0 to 1) of notifications to lose, duplicate, deliver late or reorder."""

    lose: float = 0.0
    duplicate: float = 0.0
    late: float = 0.0
    reorder: float = 0.0
    late_seconds: float = 2.0
    seed: int = 19
    retries: int = 3  # UNCONFIRMED: Cloudbeds publishes no retry schedule
    backoff_seconds: float = 0.5  # the first retry's wait; each next one doubles it

    def __post_init__(self) -> None:
        for name in ("lose", "duplicate", "late", "reorder"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} is a fraction between 0 and 1")
        if self.retries < 0 or self.backoff_seconds < 0 or self.late_seconds < 0:
            raise ValueError("retries, back-off and lateness are not negative")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one notification to one subscription."""

    url: str
    event: str
    body: dict[str, object]
    outcome: Outcome
    attempts: int
    fault: str | None = None  # "lost", "duplicate", "late", "late+duplicate", "reordered",
    # "outage"


@dataclass
class WebhookSender:
    """Queues each notification per matching subscription and posts it in the background."""

    clock: Clock
    subscriptions: Callable[[], Iterable[Subscription]]
    faults: WebhookFaults = field(default_factory=WebhookFaults)
    down: Callable[[], bool] = lambda: False  # Cloudbeds is down: nothing is posted
    timeout_seconds: float = 5.0
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: deque[tuple[Subscription, dict[str, object]]] = field(default_factory=deque)
    _held: tuple[Subscription, dict[str, object]] | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _runner: asyncio.Task[None] | None = None
    _client: httpx.AsyncClient | None = None
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.faults.seed)

    def set_faults(self, faults: WebhookFaults) -> None:
        """New fault rates from now on (the generator restarts from their seed)."""
        self.faults = faults
        self._random = random.Random(faults.seed)

    def publish(self, event: str, body: dict[str, object]) -> None:
        """A change happened: one notification per subscription to `event`."""
        for sub in self.subscriptions():
            if sub.event == event:
                self._queue.append((sub, dict(body)))
        self._wake.set()

    async def start(self) -> None:
        if self._runner is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_seconds)
            self._runner = asyncio.create_task(self._run(), name="cloudbeds-webhooks")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(self._runner, *self._tasks, return_exceptions=True)
            self._runner = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def idle(self) -> None:
        """Return once nothing is queued, held or being posted (tests, the bench); a
        notification held back for reordering is let go when nothing follows it."""
        while self._queue or self._held is not None or self._tasks:
            if self._held is not None and not self._queue:
                self._release_held()
            await asyncio.sleep(0.01)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for d in self.deliveries if d.outcome == outcome)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                self._dispatch(*self._queue.popleft())

    def _dispatch(self, sub: Subscription, body: dict[str, object]) -> None:
        faults, draw = self.faults, self._random.random
        event = str(body.get("event", sub.event))
        if self.down():
            self.deliveries.append(Delivery(sub.endpoint_url, event, body, "lost", 0, "outage"))
            return
        if draw() < faults.lose:
            self.deliveries.append(Delivery(sub.endpoint_url, event, body, "lost", 0, "lost"))
            return
        if self._held is None and self._queue and draw() < faults.reorder:
            self._held = (sub, body)  # posted right after the next one
            return
        late = faults.late_seconds if draw() < faults.late else 0.0
        copies = 2 if draw() < faults.duplicate else 1
        fault = "+".join(label for label, on in (("late", late), ("duplicate", copies == 2))
                         if on) or None
        for _ in range(copies):
            self._spawn(sub, body, late, fault)
        self._release_held()

    def _release_held(self) -> None:
        if self._held is not None:
            sub, body = self._held
            self._held = None
            self._spawn(sub, body, 0.0, "reordered")

    def _spawn(self, sub: Subscription, body: dict[str, object], delay: float,
               fault: str | None) -> None:
        task = asyncio.create_task(self._post(sub, body, delay, fault))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, sub: Subscription, body: dict[str, object], delay: float,
                    fault: str | None) -> None:
        if delay:
            await self.clock.sleep(delay)
        assert self._client is not None
        attempts = 0
        outcome: Outcome = "failed"
        for attempt in range(self.faults.retries + 1):
            if attempt:
                await self.clock.sleep(self.faults.backoff_seconds * 2 ** (attempt - 1))
            attempts += 1
            try:
                answer = await self._client.post(sub.endpoint_url, json=body)
            except httpx.HTTPError:
                continue
            if 200 <= answer.status_code < 300:
                outcome = "delivered"
                break
        self.deliveries.append(Delivery(sub.endpoint_url, str(body.get("event")), body,
                                        outcome, attempts, fault))
