"""bench/shared_account.py runs end to end at its smallest: two hotel processes on one
emulated account and one Redis, alone and with another app, and prints every figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_limiter.redis_server import redis_required, redis_server_path

ROOT = Path(__file__).resolve().parents[2]


def test_two_hotels_rush_on_one_account_and_every_figure_is_printed() -> None:
    if redis_server_path() is None:
        if redis_required():
            pytest.fail("redis-server is required here (Debian package redis-server)")
        pytest.skip("redis-server is not installed")
    done = subprocess.run(
        [sys.executable, "bench/shared_account.py", "--hotels", "2", "--rooms", "20",
         "--rtt-calls", "200", "--timeout", "60"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )

    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    # The verdict depends on the machine's load; the figures must all be there.
    assert done.returncode in (0, 1), report
    assert "DID NOT CONVERGE" not in done.stdout, report
    for figure in ("N=2   alone:", "N=2   other app 30%:", "peak / limit:",
                   "with the other app's calls", "429s:", "drain / bound:",
                   "fixed 1/N shares:", "slowest / median:", "Phone Heavy:",
                   "limiter round trip: p50", "VERDICT: "):
        assert figure in done.stdout, report
