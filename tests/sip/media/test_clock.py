"""The shared 20 ms media clock: every stream once per frame, on an absolute schedule."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time

import pytest

from connector.sip.media.clock import FRAME_SECONDS, MediaClock
from tests.support.fake_clock import FakeClock


class OvershootingClock(FakeClock):
    """A clock whose every sleep wakes `overshoot` seconds late, like a busy event loop."""

    def __init__(self, overshoot: float) -> None:
        super().__init__()
        self.overshoot = overshoot

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        self.advance(self.overshoot)


class Recorder:
    """A stream that notes the clock time of each tick."""

    def __init__(self, clock: FakeClock, stall_on_tick: int | None = None,
                 stall: float = 0.0) -> None:
        self.clock = clock
        self.times: list[float] = []
        self._stall_on_tick, self._stall = stall_on_tick, stall

    def tick(self) -> None:
        self.times.append(self.clock.monotonic())
        if len(self.times) == self._stall_on_tick:
            self.clock.advance(self._stall)


class Broken:
    def tick(self) -> None:
        raise RuntimeError("socket gone")


async def run_until(recorder: Recorder, ticks: int) -> None:
    for _ in range(10 * ticks + 100):
        if len(recorder.times) >= ticks:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"only {len(recorder.times)} ticks")


async def test_every_stream_sends_once_per_frame_in_step() -> None:
    fake = FakeClock()
    clock = MediaClock(fake)
    streams = [Recorder(fake) for _ in range(3)]
    for stream in streams:
        clock.subscribe(stream)
    await run_until(streams[0], 10)
    for stream in streams:
        clock.unsubscribe(stream)
    assert {len(s.times) for s in streams} == {10}
    assert streams[0].times == streams[1].times == streams[2].times
    gaps = [b - a for a, b in itertools.pairwise(streams[0].times)]
    assert gaps == pytest.approx([FRAME_SECONDS] * 9)


async def test_late_wake_ups_do_not_accumulate_into_drift() -> None:
    fake = OvershootingClock(overshoot=0.003)
    clock = MediaClock(fake)
    stream = Recorder(fake)
    clock.subscribe(stream)
    await run_until(stream, 101)
    clock.unsubscribe(stream)
    start = stream.times[0]
    lateness = [t - (start + n * FRAME_SECONDS) for n, t in enumerate(stream.times)]
    assert max(lateness) == pytest.approx(0.003)
    assert stream.times[100] - start == pytest.approx(100 * FRAME_SECONDS + 0.003)


async def test_a_long_stall_skips_the_missed_frames_instead_of_bursting_them() -> None:
    fake = FakeClock()
    clock = MediaClock(fake, max_lag_frames=3)
    stream = Recorder(fake, stall_on_tick=5, stall=0.205)
    clock.subscribe(stream)
    await run_until(stream, 10)
    clock.unsubscribe(stream)
    after_stall = stream.times[5:]
    gaps = [b - a for a, b in itertools.pairwise(after_stall)]
    assert min(gaps) == pytest.approx(FRAME_SECONDS)  # no two frames at once
    start = stream.times[0]
    assert all(((t - start) / FRAME_SECONDS) == pytest.approx(round((t - start) / FRAME_SECONDS))
               for t in after_stall)  # still on the 20 ms grid
    assert clock.skipped_frames == 10


async def test_a_short_stall_is_caught_up_at_once() -> None:
    fake = FakeClock()
    clock = MediaClock(fake, max_lag_frames=3)
    stream = Recorder(fake, stall_on_tick=5, stall=0.050)  # frame 4 ends at 0.130
    clock.subscribe(stream)
    await run_until(stream, 10)
    clock.unsubscribe(stream)
    start = stream.times[0]
    # Frames 5 and 6 (due at 0.100 and 0.120) go out at once; frame 7 is on time again.
    assert [t - start for t in stream.times[5:8]] == pytest.approx([0.130, 0.130, 0.140])
    assert clock.skipped_frames == 0


async def test_the_clock_runs_only_while_someone_listens() -> None:
    fake = FakeClock()
    clock = MediaClock(fake)
    first, second = Recorder(fake), Recorder(fake)
    assert not clock.running
    clock.subscribe(first)
    clock.subscribe(second)
    assert clock.running
    await run_until(first, 3)
    clock.unsubscribe(first)
    assert clock.running
    clock.unsubscribe(second)
    assert not clock.running
    ticks = clock.ticks
    for _ in range(20):
        await asyncio.sleep(0)
    assert clock.ticks == ticks
    clock.subscribe(first)
    await run_until(first, len(first.times) + 2)
    clock.unsubscribe(first)


async def test_a_failing_stream_does_not_stop_the_others() -> None:
    fake = FakeClock()
    clock = MediaClock(fake)
    healthy = Recorder(fake)
    clock.subscribe(Broken())
    clock.subscribe(healthy)
    await run_until(healthy, 5)
    assert clock.running
    clock.unsubscribe(healthy)


async def test_real_time_ticks_average_20_ms_without_drift() -> None:
    """The one wall-clock test: 2 s of real ticks."""
    clock = MediaClock()
    times: list[float] = []

    class Timer:
        def tick(self) -> None:
            times.append(time.monotonic())

    timer = Timer()
    clock.subscribe(timer)
    await asyncio.sleep(2.0)
    clock.unsubscribe(timer)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert abs(statistics.mean(gaps) - FRAME_SECONDS) < 0.001
    expected_end = times[0] + (len(times) - 1) * FRAME_SECONDS
    assert abs(times[-1] - expected_end) < 0.010
