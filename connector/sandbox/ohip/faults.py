"""Faults to inject into the emulated OHIP REST API: a burst of 5xx answers, and a connection
dropped after the request was read and done (a charge posted whose answer never came).
Token expiry is `OhipAuth.expire_tokens`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class FaultKind(enum.StrEnum):
    ERROR = "error"  # answer a 5xx instead of doing it
    DROP = "drop"  # do it, then close the connection before the answer is whole


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    remaining: int = 1
    status: int = 503
    operation: str | None = None  # an OHIP operationId (postBillingCharges); None: any call

    def matches(self, operation: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.operation is None:
            return operation != "getToken"
        return self.operation == operation


@dataclass(frozen=True, slots=True)
class Effect:
    error_status: int | None = None
    drop: bool = False

    @property
    def label(self) -> str | None:
        if self.drop:
            return "drop"
        return None if self.error_status is None else f"error {self.error_status}"


@dataclass
class OhipFaults:
    armed: list[Fault] = field(default_factory=list)

    def error_burst(self, count: int, status: int = 503, operation: str | None = None) -> Fault:
        """The next `count` calls (to `operation`, if named) answer `status`."""
        if not 500 <= status <= 599:
            raise ValueError("an error fault needs a 5xx status")
        fault = Fault(FaultKind.ERROR, count, status, operation)
        self.armed.append(fault)
        return fault

    def drop_after_body(self, count: int = 1, operation: str | None = None) -> Fault:
        """The next `count` calls are done, then their connection drops before the answer."""
        fault = Fault(FaultKind.DROP, count, operation=operation)
        self.armed.append(fault)
        return fault

    def clear(self) -> None:
        self.armed.clear()

    def take(self, operation: str) -> Effect:
        """The effect on one call; each fault it matches is used up by one."""
        error: int | None = None
        drop = False
        for fault in self.armed:
            if not fault.matches(operation):
                continue
            if fault.kind is FaultKind.ERROR and error is None:
                error, fault.remaining = fault.status, fault.remaining - 1
            elif fault.kind is FaultKind.DROP and not drop:
                drop, fault.remaining = True, fault.remaining - 1
        self.armed = [f for f in self.armed if f.remaining > 0]
        return Effect(error, drop)
