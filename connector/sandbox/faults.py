"""Faults to inject into the emulated API: 5xx bursts, slow answers, held answers, dropped
connections."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class FaultKind(enum.StrEnum):
    ERROR = "error"  # answer with a 5xx status
    DELAY = "delay"  # answer, but only after a while
    # Do what was asked at once, but hold the answer a while: the client may be gone (killed,
    # timed out) before it learns that Zoom did it.
    HOLD = "hold"
    DROP = "drop"  # close the connection without a complete answer


@dataclass(slots=True)
class Fault:
    """One armed fault. `remaining` None means until cleared."""

    kind: FaultKind
    remaining: int | None = 1
    status: int = 503
    seconds: float = 0.0
    # Only requests to this catalogue endpoint name (or "oauth_token"); None: any API call.
    endpoint: str | None = None

    def matches(self, endpoint: str | None) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.endpoint is None:
            return endpoint != "oauth_token"
        return self.endpoint == endpoint


@dataclass(frozen=True, slots=True)
class Effect:
    """What happens to one request: wait, then maybe fail or drop instead of answering."""

    delay: float = 0.0
    error_status: int | None = None
    drop: bool = False
    hold: float = 0.0  # after the call took effect, before its answer is sent

    @property
    def label(self) -> str | None:
        if self.drop:
            return "drop"
        if self.error_status is not None:
            return f"error {self.error_status}"
        if self.hold:
            return f"hold {self.hold:g}s" + (f", delay {self.delay:g}s" if self.delay else "")
        return f"delay {self.delay:g}s" if self.delay else None


@dataclass
class Faults:
    """The armed faults; each request takes the effects that match it."""

    armed: list[Fault] = field(default_factory=list)

    def add(self, fault: Fault) -> Fault:
        if fault.kind is FaultKind.ERROR and not 500 <= fault.status <= 599:
            raise ValueError("an error fault needs a 5xx status")
        self.armed.append(fault)
        return fault

    def error_burst(self, count: int, status: int = 503, endpoint: str | None = None) -> Fault:
        """The next `count` requests answer `status`."""
        return self.add(Fault(FaultKind.ERROR, count, status=status, endpoint=endpoint))

    def slow(self, seconds: float, count: int | None = None, endpoint: str | None = None) -> Fault:
        """Delay the next `count` requests (all, if None) by `seconds`."""
        return self.add(Fault(FaultKind.DELAY, count, seconds=seconds, endpoint=endpoint))

    def hold(self, seconds: float, count: int | None = None,
             endpoint: str | None = None) -> Fault:
        """Apply the next `count` requests (all, if None) at once but answer `seconds` later."""
        return self.add(Fault(FaultKind.HOLD, count, seconds=seconds, endpoint=endpoint))

    def drop(self, count: int = 1, endpoint: str | None = None) -> Fault:
        """Close the connection on the next `count` requests without a complete answer."""
        return self.add(Fault(FaultKind.DROP, count, endpoint=endpoint))

    def clear(self) -> None:
        self.armed.clear()

    def take(self, endpoint: str | None) -> Effect:
        """Consume the faults that apply to one request and say what they do."""
        delay, hold, status, drop = 0.0, 0.0, None, False
        for fault in self.armed:
            if not fault.matches(endpoint):
                continue
            if fault.kind is FaultKind.DELAY:
                delay += fault.seconds
            elif fault.kind is FaultKind.HOLD:
                hold += fault.seconds
            elif fault.kind is FaultKind.ERROR and status is None and not drop:
                status = fault.status
            elif fault.kind is FaultKind.DROP and status is None and not drop:
                drop = True
            else:
                continue  # a second failure for the same request waits for the next one
            if fault.remaining is not None:
                fault.remaining -= 1
        self.armed = [f for f in self.armed if f.remaining is None or f.remaining > 0]
        return Effect(delay, status, drop, hold)
