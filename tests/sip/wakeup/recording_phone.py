"""The connector's `Phone`, noting each dial: which extension, when (real time) and how it
ended. The line pool underneath does the calling."""

from __future__ import annotations

import time
from dataclasses import dataclass

from connector.sip.api import DialResult, DialStatus, Phone


@dataclass(frozen=True)
class Dial:
    """One dial as the scheduler saw it; times are `time.monotonic()`."""

    extension: str
    started: float
    ended: float
    status: DialStatus


class RecordingPhone:
    """Implements `connector.sip.api.Phone` over `phone`, appending to `dials` (a list shared
    across restarts of the connector). A dial cut off by a crash is not noted."""

    def __init__(self, phone: Phone, dials: list[Dial]) -> None:
        self._phone = phone
        self._dials = dials

    async def dial(self, target: str, *, ring_timeout: float) -> DialResult:
        started = time.monotonic()
        result = await self._phone.dial(target, ring_timeout=ring_timeout)
        self._dials.append(Dial(target, started, time.monotonic(), result.status))
        return result

    @property
    def lines_total(self) -> int:
        return self._phone.lines_total

    @property
    def lines_ready(self) -> int:
        return self._phone.lines_ready
