"""OHIP's businessEvents dequeue as an event source, where streaming is not licensed.

A dequeue hands each event out once: an event fetched and not stored is gone. So a batch is
stored whole, in one commit, before the next request; if the store fails, the same batch is
offered again (never a new request) until it is kept. A full batch (20) means more are
waiting: the next request goes at once; otherwise every `poll_seconds`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from connector.clock import Clock
from connector.pms.cloud.contract import (
    Notice,
    NoticeSink,
    PmsRefused,
    PmsUnavailable,
    SourceStatus,
)
from connector.pms.ohip.notices import MalformedEvent, event_time, poll_notices
from connector.settings.cloud_pms import OhipSettings
from connector.store import StoreError

log = logging.getLogger(__name__)

BATCH = 20  # OHIP: at most 20 business events a call


class OhipPollClient(Protocol):
    """What the dequeue needs of the OHIP REST client (auth, headers, limits are its job)."""

    async def get_json(self, path: str, params: Mapping[str, str]) -> Any:
        """GET `path` on the gateway; the JSON answer, None for an empty (204) one. Raises
        `PmsUnavailable` or `PmsRefused`."""
        ...


@dataclass(frozen=True, slots=True)
class PollTiming:
    retry_first: float = 2.0
    retry_max: float = 120.0
    gap_after: float = 600.0  # failing this long: events may be gone, a resync is due


class OhipPoll:
    """`EventSource` over `GET /int/v1/externalSystem/{code}/hotels/{hotelId}/businessEvents`."""

    def __init__(self, client: OhipPollClient, settings: OhipSettings, *, clock: Clock,
                 timing: PollTiming | None = None, rng: random.Random | None = None) -> None:
        self._client = client
        self._settings = settings
        self._clock = clock
        self._timing = timing or PollTiming()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._path = (f"/int/v1/externalSystem/{quote(settings.external_system_code, safe='')}"
                      f"/hotels/{quote(settings.hotel_id, safe='')}/businessEvents")
        self._connected = False
        self._detail = "polling not started"
        self._last_notice_at: datetime | None = None
        self._last_event_at: datetime | None = None

    async def run(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        """Dequeue into `sink` every `poll_seconds` until `stop` is set."""
        failures = 0
        failing_since: float | None = None
        gap_said = False
        said = ""
        held: list[Notice] = []  # fetched, not yet stored: offered again before anything else
        while not stop.is_set():
            try:
                if not held:
                    answer = await self._client.get_json(self._path, {"limit": str(BATCH)})
                    held = poll_notices(answer, self._clock.now())
                full = len(held) == BATCH
                if held:
                    sink.accept(held)
                    self._seen(held)
                held = []
                failures, failing_since, gap_said = 0, None, False
                self._connected = True
                self._detail = (f"polling OHIP's business events every "
                                f"{self._settings.poll_seconds:g} s")
                delay = 0.0 if full else float(self._settings.poll_seconds)
            except (PmsUnavailable, PmsRefused, MalformedEvent, StoreError) as exc:
                failures += 1
                now = self._clock.monotonic()
                failing_since = now if failing_since is None else failing_since
                delay = min(self._timing.retry_max,
                            self._timing.retry_first * 2.0 ** (failures - 1))
                delay *= self._rng.uniform(0.75, 1.0)
                if isinstance(exc, PmsUnavailable):
                    delay = max(delay, exc.retry_after)
                if isinstance(exc, MalformedEvent):
                    # The dequeue already handed that batch out: it is gone, say so.
                    sink.gap(f"OHIP's dequeue answered something unreadable ({exc})")
                self._connected = isinstance(exc, StoreError)
                reason = _reason(exc)
                # Said once per cause; a long outage would otherwise fill the log.
                level = logging.WARNING if failures == 1 or reason != said else logging.DEBUG
                log.log(level, "OHIP business events: %s; trying again in %.0f s", reason, delay)
                said = reason
                self._detail = f"{reason}; trying again in {delay:.0f} s"
                if not gap_said and now - failing_since > self._timing.gap_after and not isinstance(
                        exc, StoreError):
                    gap_said = True
                    sink.gap("OHIP's business events could not be read for over "
                             f"{self._timing.gap_after / 60:.0f} minutes")
            await self._pause(delay, stop)
        self._detail = "polling stopped"

    def _seen(self, notices: list[Notice]) -> None:
        self._last_notice_at = notices[-1].received_at
        body = notices[-1].body.get("businessEvent")
        header = body.get("header") if isinstance(body, Mapping) else None
        created = header.get("createdDateTime") if isinstance(header, Mapping) else None
        self._last_event_at = event_time(created)

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        if seconds <= 0 or stop.is_set():
            await asyncio.sleep(0)  # a full batch: again at once, yet let others run
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, stopper):
            task.cancel()

    def status(self) -> SourceStatus:
        """Whether the last request worked, the last event and how far behind OHIP."""
        lag = None
        if self._last_event_at is not None:
            lag = max(0.0, (self._clock.now() - self._last_event_at).total_seconds())
        return SourceStatus(connected=self._connected, detail=self._detail,
                            last_notice_at=self._last_notice_at, lag_seconds=lag)


def _reason(exc: Exception) -> str:
    if isinstance(exc, StoreError):
        return "the store failed: the fetched events are held and offered again"
    if isinstance(exc, PmsRefused):
        return f"OHIP refused the dequeue ({exc}): check the external system code and events"
    return f"the dequeue failed ({exc})"
