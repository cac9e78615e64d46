"""The shapes the web API answers with (and documents in its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.store import EventStatus, Received


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class EventAccepted(_Out):
    """One event, on disk: `stored` now, or `duplicate` of one stored before (not applied
    again)."""

    id: str
    status: Literal["stored", "duplicate"]
    duplicate: bool
    seq: int | None = Field(description="The event's place in the inbox (for a duplicate: "
                                        "the first copy's).")

    @classmethod
    def of(cls, received: Received) -> EventAccepted:
        return cls(id=received.event_id, status="duplicate" if received.duplicate else "stored",
                   duplicate=received.duplicate, seq=received.seq)


class BatchAccepted(_Out):
    """A batch, on disk: one answer per event, in the order sent."""

    events: list[EventAccepted]


class EventStatusOut(_Out):
    """Where one event stands: `received` (stored, not yet in Zoom), `applied` (Zoom has
    everything it caused), or `failed` (a room it changed gave up; `error` says why)."""

    id: str
    type: str
    state: Literal["received", "applied", "failed"]
    received_at: datetime
    seq: int
    rooms: list[str]
    error: str | None

    @classmethod
    def of(cls, status: EventStatus) -> EventStatusOut:
        return cls(id=status.event_id, type=status.type, state=status.state,
                   received_at=status.received_at, seq=status.seq, rooms=list(status.rooms),
                   error=status.error)


class FieldProblemOut(_Out):
    code: str
    field: str | None
    message: str


class ErrorDetail(_Out):
    code: str = Field(description="Stable, machine-readable; see docs/webhook.md.")
    message: str = Field(description="What was wrong and what to do, for a person.")
    field: str | None = Field(None, description="Where in the body, e.g. `events[2].room`.")
    details: list[FieldProblemOut] | None = Field(
        None, description="Every problem found in the body (a batch is checked whole).")


class ErrorBody(_Out):
    error: ErrorDetail


class Check(_Out):
    """One readiness condition."""

    name: str
    ok: bool
    detail: str = ""


class Readiness(_Out):
    ready: bool
    checks: list[Check]


class Health(_Out):
    status: Literal["ok"] = "ok"
