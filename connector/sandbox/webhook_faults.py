"""Faults on the way out: webhooks Zoom loses, sends late, sends twice or out of order.
Pure logic; `webhooks.ZoomWebhooks` applies what `take` says to each event it emits.

Zoom promises none of these never happen, and call accounting must survive each: a lost
event is what the call-history poll repairs, a duplicate must not double a charge, a late or
reordered one must land on the same folio. A fault is armed for the next `count` events
(every one, if None) or at a seeded random `rate` ("lose 2%"), for one event name or all.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field


class WebhookFaultKind(enum.StrEnum):
    LOSE = "lose"  # never sent, never retried
    DELAY = "delay"  # sent `seconds` later than Zoom would
    TWICE = "twice"  # sent as two identical deliveries
    REORDER = "reorder"  # held back until the next event has been sent


@dataclass
class WebhookFault:
    kind: WebhookFaultKind
    remaining: int | None = 1  # None: every matching event (with `rate`: each by chance)
    seconds: float = 0.0  # for DELAY
    event: str | None = None  # None: every event
    rate: float | None = None  # None: certainly; else the chance for each matching event

    def __post_init__(self) -> None:
        if self.rate is not None and not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate is a chance between 0 and 1")
        if self.remaining is not None and self.remaining < 1:
            raise ValueError("count must be at least 1 (or null for every event)")
        if self.seconds < 0:
            raise ValueError("seconds cannot be negative")
        if self.kind is WebhookFaultKind.DELAY and not self.seconds:
            raise ValueError("a delay needs seconds")

    def matches(self, event: str) -> bool:
        return self.event is None or self.event == event

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind.value, "remaining": self.remaining, "seconds": self.seconds,
                "event": self.event, "rate": self.rate}


@dataclass(frozen=True)
class WebhookEffect:
    """What happens to one event on its way out."""

    lost: bool = False
    delay: float = 0.0
    copies: int = 1
    reorder: bool = False

    @property
    def label(self) -> str:
        if self.lost:
            return "lost"
        parts = [f"delayed {self.delay:g} s"] if self.delay else []
        parts += ["sent twice"] if self.copies > 1 else []
        parts += ["out of order"] if self.reorder else []
        return ", ".join(parts)


@dataclass
class WebhookFaults:
    """The armed webhook faults and the seeded generator their rates draw on."""

    rng: random.Random = field(default_factory=lambda: random.Random(0))
    armed: list[WebhookFault] = field(default_factory=list)

    def add(self, fault: WebhookFault) -> WebhookFault:
        self.armed.append(fault)
        return fault

    def lose(self, count: int | None = 1, *, rate: float | None = None,
             event: str | None = None) -> WebhookFault:
        """Lose the next `count` events (or each with chance `rate`): Zoom never sends them."""
        return self.add(WebhookFault(WebhookFaultKind.LOSE, count, event=event, rate=rate))

    def delay(self, seconds: float, count: int | None = 1, *, rate: float | None = None,
              event: str | None = None) -> WebhookFault:
        return self.add(WebhookFault(WebhookFaultKind.DELAY, count, seconds, event, rate))

    def twice(self, count: int | None = 1, *, rate: float | None = None,
              event: str | None = None) -> WebhookFault:
        return self.add(WebhookFault(WebhookFaultKind.TWICE, count, event=event, rate=rate))

    def reorder(self, count: int | None = 1, *, rate: float | None = None,
                event: str | None = None) -> WebhookFault:
        return self.add(WebhookFault(WebhookFaultKind.REORDER, count, event=event, rate=rate))

    def seed(self, seed: int) -> None:
        """Start the rates' generator again from `seed`, so a run can be repeated."""
        self.rng.seed(seed)

    def clear(self) -> None:
        self.armed.clear()

    def take(self, event: str) -> WebhookEffect:
        """Consume the faults that apply to one event and say what they do to it."""
        lost, delay, copies, reorder = False, 0.0, 1, False
        for fault in self.armed:
            if not fault.matches(event):
                continue
            if fault.rate is not None and self.rng.random() >= fault.rate:
                continue
            if fault.kind is WebhookFaultKind.LOSE:
                lost = True
            elif fault.kind is WebhookFaultKind.DELAY:
                delay += fault.seconds
            elif fault.kind is WebhookFaultKind.TWICE:
                copies = 2
            else:
                reorder = True
            if fault.remaining is not None:
                fault.remaining -= 1
        self.armed = [f for f in self.armed if f.remaining is None or f.remaining > 0]
        if lost:
            return WebhookEffect(lost=True)
        return WebhookEffect(delay=delay, copies=copies, reorder=reorder)
