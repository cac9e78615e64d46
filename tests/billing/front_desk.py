"""A small hotel for call-accounting tests: the store, the PMS's check-ins and check-outs
folded as the connector folds them, room phones on extensions 2101-2104, the reporter (no
channel: what it keeps is what the PMS will get), and a tariff stand-in (the real tariff is
tested on its own): calls to the UK cost 1.00 a started minute, freephone is free, and
nothing else has a rate."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from connector.billing.call import ZoomCall, from_webhook_row
from connector.billing.intake import CallIntake
from connector.billing.metrics import CallMetrics
from connector.billing.pipeline import CallPipeline, Priced, Rater, Unpriced
from connector.events.models import AnyEvent, CheckIn, CheckOut, Guest, GuestChange
from connector.pms.reporter import Reporter
from connector.pms.reports import fias_record
from connector.rooms.desired import fold
from connector.rooms.room_map import RoomMap
from connector.store import CallRecord, Store
from tests.support.fake_clock import FakeClock
from tests.support.outbox import kept_reports

ROOMS = RoomMap({"101": "2101", "102": "2102", "103": "2103", "104": "2104"})
FRONT_DESK_EXTENSION = "1000"
ARRIVAL = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)

_ids = itertools.count(1)


@dataclass(frozen=True)
class StandInRated:
    class_name: str
    amount_minor: int
    currency: str
    billed_seconds: int


@dataclass(frozen=True)
class StandInNoRate:
    reason: str


def stand_in_rate(call: ZoomCall) -> Priced | Unpriced:
    if call.dialled.startswith("+44"):
        minutes = -(-call.talk_seconds // 60)
        return StandInRated("international", 100 * minutes, "EUR", 60 * minutes)
    if call.dialled.startswith("+49800") or call.emergency:
        return StandInRated("toll_free", 0, "EUR", call.talk_seconds)
    return StandInNoRate(f"no tariff class for {call.dialled[:4]}…")


def call_row(room_extension: str | None, at: datetime, *, talk: int = 185,
             dialled: str = "+442071838750", call_id: str | None = None,
             **extra: Any) -> dict[str, Any]:
    """A row of `phone.caller_call_history_completed`, as Zoom sends it."""
    answer = at + timedelta(seconds=9)
    row: dict[str, Any] = {
        "id": f"hist-{next(_ids)}", "call_path_id": f"path-{next(_ids)}",
        "call_id": call_id or f"72140000{next(_ids):011d}", "connect_type": "external",
        "call_type": "general", "direction": "outbound",
        "caller_ext_number": room_extension, "caller_ext_type": "user",
        "callee_did_number": dialled, "callee_country_iso_code": "GB",
        "result": "answered" if talk else "no_answer",
        "start_time": _z(at), "answer_time": _z(answer) if talk else None,
        "end_time": _z(answer + timedelta(seconds=talk)), "talk_time": talk,
    }
    if room_extension is None:
        del row["caller_ext_number"]
    row.update(extra)
    return {k: v for k, v in row.items() if v is not None}


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FrontDesk:
    """The hotel as call accounting sees it."""

    def __init__(self, path: Path | str = ":memory:", *, late_hours: float = 24,
                 rate: Rater = stand_in_rate) -> None:
        self.clock = FakeClock(ARRIVAL)
        self.store = Store(path, clock=self.clock)
        self.registry = CollectorRegistry()
        self.metrics = CallMetrics(self.registry, counts=self.store.count_open_calls)
        self.reporter = Reporter(self.store, None, tz=UTC, clock=self.clock)
        self.pipeline = CallPipeline(self.store, ROOMS, self.reporter, rate,
                                     clock=self.clock, late_window=timedelta(hours=late_hours),
                                     metrics=self.metrics)
        self.intake = CallIntake(self.store, self.pipeline, self.metrics)

    # The PMS

    def pms(self, *events: AnyEvent) -> None:
        self.store.ingest(events, fold)

    def check_in(self, room: str, reservation: str, at: datetime, *,
                 share: bool = False) -> None:
        self.pms(CheckIn(id=f"in-{reservation}-{room}", occurred_at=at, room=room,
                         reservation=reservation, share=share,
                         guests=[Guest(last_name="Lovelace")]))

    def check_out(self, room: str, reservation: str, at: datetime) -> None:
        self.pms(CheckOut(id=f"out-{reservation}", occurred_at=at, room=room,
                          reservation=reservation))

    def move(self, reservation: str, old_room: str, room: str, at: datetime) -> None:
        self.pms(GuestChange(id=f"move-{reservation}-{room}", occurred_at=at, room=room,
                             old_room=old_room, reservation=reservation,
                             guests=[Guest(last_name="Lovelace")]))

    # Zoom

    def zoom_tells(self, row: dict[str, Any], source: str = "webhook") -> str:
        assert source in ("webhook", "poll")
        return self.intake.take(from_webhook_row(row), "webhook" if source == "webhook"
                                else "poll")

    # What the front desk and the PMS see

    def call(self, row: dict[str, Any]) -> CallRecord:
        found = self.store.call(str(row["call_id"]))
        assert found is not None
        return found

    def postings(self) -> list[str]:
        """The PS records the PMS will receive, in order."""
        return [str(fias_record(r, UTC)) for r in kept_reports(self.store)
                if r.kind == "posting"]

    def counted(self, outcome: str) -> float:
        return self.registry.get_sample_value("connector_calls_total",
                                              {"outcome": outcome}) or 0.0
