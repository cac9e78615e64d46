"""One 20 ms send clock for every call in the process.

A single task ticks on an absolute schedule (deadline n = start + n x 20 ms on the monotonic
clock, which is what `loop.time()` reads), so sleep overshoot never accumulates into drift
and all streams send in step. A tick that is late by a frame or two is caught up at once;
one later than `max_lag_frames` skips the missed frames instead of bursting them at the far
end's jitter buffer. The task runs only while some stream is subscribed.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Protocol

from connector.clock import Clock, SystemClock

FRAME_SECONDS = 0.020
_log = logging.getLogger(__name__)


class Ticking(Protocol):
    def tick(self) -> None:
        """Send one 20 ms frame; must not block or raise."""
        ...


class MediaClock:
    """The process-wide frame clock; streams `subscribe` while they send."""

    def __init__(self, clock: Clock | None = None, *, frame_seconds: float = FRAME_SECONDS,
                 max_lag_frames: int = 3) -> None:
        self._clock = clock or SystemClock()
        self._frame = frame_seconds
        self._max_lag = max_lag_frames * frame_seconds
        self._subscribers: list[Ticking] = []
        self._task: asyncio.Task[None] | None = None
        self.ticks = 0
        self.skipped_frames = 0

    @property
    def running(self) -> bool:
        return self._task is not None

    def subscribe(self, stream: Ticking) -> None:
        """Tick `stream` from the next frame on; starts the clock for the first one."""
        if stream not in self._subscribers:
            self._subscribers.append(stream)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="media-clock")

    def unsubscribe(self, stream: Ticking) -> None:
        """Stop ticking `stream`; the clock stops with the last one."""
        if stream in self._subscribers:
            self._subscribers.remove(stream)
        if not self._subscribers and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        start = self._clock.monotonic()
        frame = 0
        while True:
            for stream in list(self._subscribers):
                if stream not in self._subscribers:
                    continue  # closed by an earlier stream's tick: never tick a closed stream
                try:
                    stream.tick()
                except Exception:
                    _log.exception("media stream failed to send a frame")
            self.ticks += 1
            frame += 1
            now = self._clock.monotonic()
            lag = now - (start + frame * self._frame)
            if lag > self._max_lag:
                missed = math.floor(lag / self._frame) + 1
                self.skipped_frames += missed
                frame += missed
            await self._clock.sleep(start + frame * self._frame - now)
