"""bench/store_year.py runs end to end for a small hotel over eight months: its size flattens
once the windows have passed, the erasure's CPU is printed, and no departed guest's name or
number outlives the window. (The CPU goal is the full-size run's: at 20 rooms each run's
fixed cost weighs on few rows, so its verdict is not asserted here.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_hotel_over_eight_months_passes_every_check() -> None:
    done = subprocess.run(
        [sys.executable, "bench/store_year.py", "--rooms", "20", "--days", "240",
         "--retention-days", "10", "--audit-days", "90"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )

    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode in (0, 1) and not done.stderr, report
    for figure in ("2026-08 ", "per 10,000 rows erased", "0 remain",
                   "PASS  size flat within 10% once settled",
                   "PASS  no personal data past the window"):
        assert figure in done.stdout, report
