"""What every cloud PMS adapter provides, and what the connector gives it (no I/O here).

A vendor package builds one `CloudPms`; the cloud door (`connector.pms.cloud.door`) runs it:
its `source()` delivers `Notice`s to the door's `NoticeSink`, which stores them before the
door hydrates each into canonical events and ingests them; `in_house()` feeds the resync;
`send()` delivers the outbox's reports; `doctor()` says what is missing in words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias

from starlette.routing import BaseRoute

from connector.events.models import AnyEvent, CheckIn
from connector.store import Report

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from connector.clock import Clock
    from connector.settings import Settings

CloudKind: TypeAlias = Literal["ohip", "cloudbeds"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification from a cloud PMS, exactly as it arrived.

    `key` is its stable idempotency key, prefixed by the vendor: `ohip:<uniqueEventId>`,
    `cloudbeds:<event>:<reservationID>:<timestamp>`. The same key twice is stored once.
    `body` is the notification's JSON (it may hold guest names: never logged).
    `name` is the vendor's event name ("CHECK IN", "reservation/status_changed").
    `received_at` is when the connector received it (aware, UTC)."""

    key: str
    name: str
    body: Mapping[str, object]
    received_at: datetime


class NoticeSink(Protocol):
    """Where an event source hands what it receives. Synchronous on purpose: a webhook
    answers only after `accept` returned, a stream advances its offset only with it, a
    polled dequeue fetches the next batch only after it."""

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        """Store the notices durably in one commit, with the stream `offset` to resume
        after them when given; return how many were new (a known key is skipped).
        Raises `connector.store.StoreError` when the store failed (nothing was kept)."""
        ...

    def accept_new(self, notices: Sequence[Notice]) -> set[str]:
        """As `accept` without an offset, returning the keys that were new: a webhook door
        committing several requests' notices together answers each stored or duplicate."""
        ...

    def offset(self) -> str | None:
        """The offset stored with the last accepted notices (None: never any)."""
        ...

    def gap(self, reason: str) -> None:
        """The source lost continuity (its offset expired, a dequeue failed for long, the
        connector was away longer than the vendor keeps events): a resync is due. `reason`
        is said in the log in words, with no guest data."""
        ...


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """An event source's state for `/readyz`, the console's Health page and the doctor."""

    connected: bool
    detail: str  # in words, e.g. "stream up since 06:02, offset 1841" (no guest data)
    last_notice_at: datetime | None = None
    lag_seconds: float | None = None  # how far behind the vendor's newest event, when known


class EventSource(Protocol):
    """A stream, a poll or a webhook subscription."""

    async def run(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        """Deliver notices to `sink` until `stop` is set; reconnect and back off by itself.
        Resume from `sink.offset()` where the vendor has offsets."""
        ...

    def status(self) -> SourceStatus: ...


# What a sender says about one report.

@dataclass(frozen=True, slots=True)
class Sent:
    """The PMS took the report. `answer`: what it said, when it matters (a posting's id)."""

    answer: str = ""


@dataclass(frozen=True, slots=True)
class Refused:
    """The PMS refused this report for good (a 4xx about the report itself); kept as failed
    with `answer`, never re-sent."""

    answer: str


@dataclass(frozen=True, slots=True)
class Unavailable:
    """The PMS did not take it this time (down, 5xx, 429, timeout before sending): try again
    after `retry_after` seconds at the earliest."""

    reason: str
    retry_after: float = 0.0


@dataclass(frozen=True, slots=True)
class Unknown:
    """The request may have reached the PMS but its answer was lost, and the vendor has no
    idempotency key for it (an OHIP charge): never re-sent blindly; left for a person."""

    reason: str


SendResult: TypeAlias = Sent | Refused | Unavailable | Unknown


class CloudPms(Protocol):
    """One vendor's adapter, built from the settings by its package."""

    @property
    def kind(self) -> CloudKind: ...

    def source(self) -> EventSource | None:
        """The vendor's event source; None when notices arrive through the web door (a
        webhook the connector subscribed to)."""
        ...

    def routes(self, sink: NoticeSink) -> list[BaseRoute]:
        """Web routes the connector serves for this vendor (Cloudbeds' webhook door), each
        handing what it receives to `sink` before it answers; [] when none."""
        ...

    async def start(self) -> None:
        """Before the source runs: e.g. subscribe the connector's webhooks (idempotent)."""
        ...

    async def hydrate(self, notice: Notice) -> Sequence[AnyEvent]:
        """The canonical events a stored notice means, reading the entity back when the
        notice is thin. Event ids are `f"{notice.key}#{n}"` (n = 0, 1, …), so a notice
        hydrated twice is applied once. [] when it means nothing for the phones. A room
        status set in the PMS is a `HousekeepingUpdate` (source "pms"), hence `AnyEvent`.
        Raises `PmsUnavailable` (try again later) or `PmsRefused` (it can never be read:
        the door keeps it as failed, says so, and relies on the next resync)."""
        ...

    async def in_house(self) -> list[CheckIn]:
        """Every stay in house now, as check-ins (their ids are not used). Raises
        `PmsUnavailable`."""
        ...

    async def send(self, report: Report, *, reference: str) -> SendResult:
        """Say one report of the outbox to the PMS. `reference` is the report's id as the
        PMS may keep it (a charge's idempotency key): the same on every re-send, and never
        given again by this connector, even after its store is lost (the reporter's
        instance name prefixes the report id)."""
        ...

    def can_send(self, report: Report) -> bool:
        """False for a report this vendor cannot carry at all (e.g. wake-ups to Cloudbeds):
        the door marks it as not deliverable instead of sending."""
        ...

    async def doctor(self) -> list[tuple[str, bool, str, list[str]]]:
        """Checks for `connector doctor`: (name, ok, summary, details), saying in words
        what to ask the vendor for when something is missing."""
        ...

    async def close(self) -> None: ...


class BuildAdapter(Protocol):
    """What each vendor package exports as `build`: its adapter from the settings.

    `connector.pms.ohip.build` and `connector.pms.cloudbeds.build` are imported only when
    `CONNECTOR_PMS__KIND` names them (their clients are memory other hotels do not need)."""

    def __call__(self, settings: Settings, *, tz: tzinfo, clock: Clock,
                 registry: CollectorRegistry) -> CloudPms: ...


class PmsUnavailable(Exception):
    """The PMS could not be reached or was busy; nothing was decided. Try again later."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PmsRefused(Exception):
    """The PMS answered for good that it will not do or give this (a 4xx)."""
