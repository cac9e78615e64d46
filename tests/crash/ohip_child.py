"""`connector serve` for a hotel on OPERA Cloud with the real OHIP adapter, and a pause at
the instant a kill -9 hurts most: `python -m tests.crash.ohip_child`.

Every batch the stream hands over is written (its keys, one line each) to CRASH_OHIP_RECEIVED
before it is stored. With CRASH_OHIP_HOLD_AT=n the n-th batch is not stored: the line
"holding" is written and the whole process freezes there (received, not committed) until
it is killed."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from connector.clock import Clock
from connector.pms.cloud.contract import EventSource, Notice, NoticeSink, SourceStatus
from connector.pms.ohip.adapter import OhipPms
from connector.pms.ohip.client import OhipClient
from connector.settings import Settings
from tests.crash.cloud_serve import serve_with


class _HoldingSink:
    def __init__(self, sink: NoticeSink, received: Path, hold_at: int) -> None:
        self._sink, self._received, self._hold_at = sink, received, hold_at
        self._batches = 0

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        self._batches += 1
        with self._received.open("a") as out:
            out.writelines(f"{notice.key}\n" for notice in notices)
            if self._batches == self._hold_at:
                out.write("holding\n")
        if self._batches == self._hold_at:
            time.sleep(3600)  # frozen between receiving and committing: the kill comes here
        return self._sink.accept(notices, offset=offset)

    def offset(self) -> str | None:
        return self._sink.offset()

    def gap(self, reason: str) -> None:
        self._sink.gap(reason)


class _HeldSource:
    def __init__(self, source: EventSource, received: Path, hold_at: int) -> None:
        self._source, self._received, self._hold_at = source, received, hold_at

    async def run(self, sink: NoticeSink, stop: asyncio.Event) -> None:
        await self._source.run(_HoldingSink(sink, self._received, self._hold_at), stop)

    def status(self) -> SourceStatus:
        return self._source.status()


class HeldOhip(OhipPms):
    def source(self) -> EventSource:
        return _HeldSource(super().source(), Path(os.environ["CRASH_OHIP_RECEIVED"]),
                           int(os.environ.get("CRASH_OHIP_HOLD_AT", "0")))


def _held_ohip(settings: Settings, clock: Clock) -> HeldOhip:
    tz = ZoneInfo(settings.hotel.timezone)
    return HeldOhip(settings.ohip, OhipClient(settings.ohip, clock=clock), tz=tz, clock=clock)


if __name__ == "__main__":
    asyncio.run(serve_with(_held_ohip))
