"""Waiting in a test for what has no notification (the store, a simulated PMS, Zoom's state)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(check: Callable[[], bool], within: float = 5.0) -> None:
    """Return once `check()` is true; fail the test after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
