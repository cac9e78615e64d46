"""A sped-up sandbox clock: a benchmark's day of calls passes in minutes, and what waits on
the clock (webhook retries, due records) waits as much less."""

from __future__ import annotations

import time

import pytest

from connector.sandbox.clock import SandboxClock


async def test_a_clock_at_sixty_times_passes_a_minute_of_zoom_time_in_a_second() -> None:
    clock = SandboxClock(speed=60)
    began, real = clock.now(), time.monotonic()

    await clock.sleep(6)  # six sandbox seconds: a tenth of a real second

    real_waited = time.monotonic() - real
    assert 0.09 <= real_waited < 0.5
    assert (clock.now() - began).total_seconds() == pytest.approx(real_waited * 60, rel=0.05)


def test_an_advance_is_not_sped_up() -> None:
    clock = SandboxClock(speed=100)
    before = clock.monotonic()

    clock.advance(30)

    assert 30 <= clock.monotonic() - before < 31


def test_a_clock_cannot_stand_still_or_run_backwards() -> None:
    for speed in (0, -2):
        with pytest.raises(ValueError, match="speed"):
            SandboxClock(speed=speed)


