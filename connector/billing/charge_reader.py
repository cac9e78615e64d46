"""The charge reader: reads Zoom's carrier charge for the calls waiting for it, and settles
them again with it in hand (rated, then posted like any call).

Calls in a tariff class that marks up Zoom's charge are held, "waiting for Zoom's carrier
charge" (`carrier.py`). The call-history poll runs the reader after each listing (`read()`):
it lists `GET /phone/reports/call_charges` for the waiting calls, at most 100 call ids per
listing (Zoom's limit for `call_ids`), over the span of their start times, so a listing is
normally one page. Every page is one Heavy call, taken from the billing poll's share of the
daily budget (`take_heavy`, which stops the reading when the share is spent). A call whose
charge has not appeared `wait` after it ended is settled without it: the class's
`per_minute` prices it, or it is held as no rate with that reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from connector.billing.carrier import (
    CarrierCharge,
    ChargeRowInvalid,
    NoCharge,
    charges_by_call,
)
from connector.billing.pipeline import CallPipeline
from connector.clock import Clock
from connector.store import CallRecord, Store
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import endpoint

log = logging.getLogger("connector.billing.charges")

# Zoom takes at most this many ids in `call_ids`.
CALL_IDS_PER_LISTING = 100
# The most waiting calls looked at in one reading (the rest wait for the next).
MAX_WAITING = 3000
_SECOND = timedelta(seconds=1)


@dataclass
class ChargesRead:
    """What one reading did."""

    listings: int = 0
    pages: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str | None) -> None:
        if outcome is not None:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class ChargeReader:
    """Reads Zoom's charges for the calls waiting for them; `read()` once per poll."""

    def __init__(self, api: ZoomApi, store: Store, pipeline: CallPipeline, *,
                 clock: Clock, wait: timedelta, listing: bool = True) -> None:
        """`listing` False: the Zoom app may not read the report; waiting calls are only
        settled without their charge once `wait` has passed."""
        self._api = api
        self.listing = listing
        self._store = store
        self._pipeline = pipeline
        self._clock = clock
        self.wait = wait

    def waiting(self) -> list[CallRecord]:
        """The calls held for Zoom's charge, oldest first."""
        return self._store.calls(states=["waiting_charge"], limit=MAX_WAITING)

    async def read(self, take_heavy: Callable[[], None]) -> ChargesRead:
        """List the charges of every waiting call, settle those found, and those waited for
        too long without it. `take_heavy` is called before each page: it raises when the
        poll's Heavy share is spent (the calls then wait for the next reading)."""
        done = ChargesRead()
        waiting = self.waiting()
        settled: set[str] = set()
        for start in range(0, len(waiting) if self.listing else 0, CALL_IDS_PER_LISTING):
            batch = waiting[start:start + CALL_IDS_PER_LISTING]
            charges = await self._list(batch, take_heavy, done)
            for record in batch:
                charge = charges.get(record.call.call_id)
                if charge is not None:
                    settled.add(record.call.call_id)
                    done.count(self._settle(record, charge))
        now = self._clock.now()
        hours = self.wait.total_seconds() / 3600
        for record in waiting:
            if record.call.call_id in settled or now - _ended(record) < self.wait:
                continue
            done.count(self._settle(record, NoCharge(
                f"Zoom's call charges report did not list the call within {hours:g} h of "
                "its end")))
        if done.outcomes:
            log.info("calls waiting for Zoom's carrier charge settled", extra={
                "outcomes": done.outcomes, "pages": done.pages})
        return done

    async def _list(self, batch: Sequence[CallRecord], take_heavy: Callable[[], None],
                    done: ChargesRead) -> dict[str, CarrierCharge]:
        starts = [record.call.start_time for record in batch]
        query: dict[str, str] = {
            "from": _zoom_time(min(starts)), "to": _zoom_time(max(starts) + _SECOND),
            "call_ids": ",".join(record.call.call_id for record in batch)}
        rows: list[Mapping[str, Any]] = []
        done.listings += 1
        while True:
            take_heavy()
            page = await self._api.call_charges_page(
                query, intent="read Zoom's carrier charges for calls the tariff marks up")
            done.pages += 1
            rows += _rows(page)
            token = page.get("next_page_token")
            if not token:
                break
            query["next_page_token"] = str(token)
        wanted = {record.call.call_id for record in batch}
        try:
            return {call_id: charge for call_id, charge in charges_by_call(rows).items()
                    if call_id in wanted}
        except ChargeRowInvalid as error:
            log.warning("Zoom's call charges report could not be read; the calls wait: %s",
                        error)
            return {}

    def _settle(self, record: CallRecord, charge: CarrierCharge | NoCharge) -> str | None:
        call_id = record.call.call_id
        if not self._store.reopen_call(call_id, "no_rate"):
            return None  # settled meanwhile (a restart re-rated it)
        return self._pipeline.settle(call_id, charge)


def _ended(record: CallRecord) -> datetime:
    call = record.call
    return call.end_time or call.start_time + timedelta(seconds=call.talk_seconds)


def _zoom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows(page: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = page.get(endpoint("get_call_charges").items_field or "call_charges")
    return [row for row in rows or [] if isinstance(row, Mapping)]


def charge_reader_for(api: ZoomApi, store: Store, pipeline: CallPipeline, *, clock: Clock,
                      wait_hours: float) -> ChargeReader:
    """The reader for `connector serve`. Without the call charges scope it does not list
    (a warning says so): calls waiting for a charge are settled without it after
    `wait_hours`, priced by per_minute or held as no rate."""
    scopes, report = api.client.scopes, endpoint("get_call_charges")
    listing = scopes is None or scopes.allows(report)
    if not listing:
        log.warning("Zoom's carrier charges are not read: the Zoom app lacks %s; calls in "
                    "tariff classes that mark them up wait %g h, then are priced by "
                    "per_minute or held as no rate", report.admin_scope, wait_hours)
    return ChargeReader(api, store, pipeline, clock=clock, wait=timedelta(hours=wait_hours),
                        listing=listing)
