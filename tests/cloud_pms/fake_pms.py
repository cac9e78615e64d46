"""A small cloud PMS for the door's tests: its source is a list of notice batches the test
hands over, its reservations a dict, its answers scripted (faults included)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from connector.events.models import CheckIn, CheckOut, Event, Guest
from connector.pms.cloud.contract import (
    CloudKind,
    Notice,
    NoticeSink,
    PmsRefused,
    PmsUnavailable,
    SendResult,
    Sent,
    SourceStatus,
)
from connector.store import Report


@dataclass
class Stay:
    room: str
    guest: str  # "First Last"


class FakeSource:
    """Hands each batch the test puts in `batches` to the sink, with its offset."""

    def __init__(self) -> None:
        self.batches: asyncio.Queue[tuple[list[Notice], str | None]] = asyncio.Queue()
        self.connected = False
        self.resumed_from: list[str | None] = []

    def put(self, *notices: Notice, offset: str | None = None) -> None:
        self.batches.put_nowait((list(notices), offset))

    async def run(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        self.resumed_from.append(sink.offset())
        self.connected = True
        try:
            while not stop.is_set():
                notices, offset = await self.batches.get()
                sink.accept(notices, offset=offset)
        finally:
            self.connected = False

    def status(self) -> SourceStatus:
        return SourceStatus(connected=self.connected,
                            detail="stream up" if self.connected else "stream down")


@dataclass
class FakePms:
    """`reservations`: what the PMS holds (reservation id -> stay); a notice's body names the
    reservation and what happened to it ({"reservation": "R1", "action": "CHECK IN"}), and is
    hydrated by reading the reservation back, as a thin webhook is."""

    reservations: dict[str, Stay] = field(default_factory=dict)
    in_house_ids: list[str] = field(default_factory=list)
    with_source: bool = True
    unavailable: int = 0  # the next n reads raise PmsUnavailable
    refuse: set[str] = field(default_factory=set)  # reservations the PMS will not give
    results: list[SendResult] = field(default_factory=list)  # what send answers, in turn
    cannot_send: set[str] = field(default_factory=set)  # report kinds it cannot carry
    hydrated: list[str] = field(default_factory=list)
    in_house_reads: int = 0
    sent: list[Report] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # each sent report's reference
    started: int = 0
    closed: bool = False
    on_hydrate: Callable[[Notice], None] = lambda _notice: None
    read_seconds: dict[str, float] = field(default_factory=dict)  # a slow read, by notice key
    reading: int = 0  # reads under way now
    most_reading: int = 0  # the most reads ever under way at once
    source_: FakeSource = field(default_factory=FakeSource)

    @property
    def kind(self) -> CloudKind:
        return "ohip"

    def source(self) -> FakeSource | None:
        return self.source_ if self.with_source else None

    def routes(self, sink: NoticeSink) -> list[BaseRoute]:
        async def events(request: Request) -> JSONResponse:
            body = await request.json()
            new = sink.accept([notice(body["key"], body["reservation"], body["action"],
                                      datetime.fromisoformat(body["at"]))])
            return JSONResponse({"new": new})

        return [Route("/fake-pms/events", events, methods=["POST"])]

    async def start(self) -> None:
        self.started += 1

    def _read(self) -> None:
        if self.unavailable > 0:
            self.unavailable -= 1
            raise PmsUnavailable("HTTP 503 from the PMS", retry_after=2.0)

    async def hydrate(self, notice: Notice) -> list[Event]:
        self.on_hydrate(notice)
        self.hydrated.append(notice.key)
        self._read()
        self.reading += 1
        self.most_reading = max(self.most_reading, self.reading)
        try:
            await asyncio.sleep(self.read_seconds.get(notice.key, 0.0))
        finally:
            self.reading -= 1
        reservation = str(notice.body["reservation"])
        if reservation in self.refuse:
            raise PmsRefused(f"HTTP 404: reservation {reservation} not found")
        stay = self.reservations[reservation]
        first, last = stay.guest.split(" ", 1)
        if notice.body["action"] == "CHECK OUT":
            return [CheckOut(id=f"{notice.key}#0", occurred_at=notice.received_at,
                             room=stay.room, reservation=reservation)]
        return [CheckIn(id=f"{notice.key}#0", occurred_at=notice.received_at, room=stay.room,
                        reservation=reservation,
                        guests=[Guest(first_name=first, last_name=last)])]

    async def in_house(self) -> list[CheckIn]:
        self.in_house_reads += 1
        self._read()
        stays = []
        for reservation in self.in_house_ids:
            stay = self.reservations[reservation]
            first, last = stay.guest.split(" ", 1)
            stays.append(CheckIn(id="unused", occurred_at=datetime.fromisoformat(
                "2026-03-09T15:00:00+00:00"), room=stay.room, reservation=reservation,
                guests=[Guest(first_name=first, last_name=last)]))
        return stays

    async def send(self, report: Report, *, reference: str) -> SendResult:
        self.sent.append(report)
        self.references.append(reference)
        return self.results.pop(0) if self.results else Sent()

    def can_send(self, report: Report) -> bool:
        return report.kind not in self.cannot_send

    async def doctor(self) -> list[tuple[str, bool, str, list[str]]]:
        return [("OHIP credentials", True, "token obtained", []),
                ("OHIP stream", False, "no events selected for ZOOMPHONE",
                 ["Ask Oracle to select the reservation events for ZOOMPHONE."])]

    async def close(self) -> None:
        self.closed = True


def notice(key: str, reservation: str, action: str, at: datetime) -> Notice:
    """A thin notice, as the PMS sends it: what happened to which reservation."""
    return Notice(key=key, name=action, body={"reservation": reservation, "action": action},
                  received_at=at)
