"""bench/startup.py runs end to end for a small hotel: `connector serve` becomes ready, and the
bench prints its time, its Zoom calls by endpoint and the rate limits' bound for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_hotel_becomes_ready_and_every_figure_is_printed() -> None:
    done = subprocess.run(
        [sys.executable, "bench/startup.py", "--floors", "2", "--rooms-per-floor", "10",
         "--runs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )

    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    for figure in ("list_users", "list_phone_users", "list_devices", "list_common_areas",
                   "oauth_token", "lower bound: ", "(set by phone/medium",
                   "median: ready in "):
        assert figure in done.stdout, report
