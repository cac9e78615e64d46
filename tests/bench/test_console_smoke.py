"""bench/console.py runs end to end for a small hotel and three consoles: the grid's time, both
rushes, the consoles' notices matched to the store's changes, and the verdict's figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_hotel_with_three_consoles_prints_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/console.py", "--floors", "2", "--rooms-per-floor", "10",
         "--consoles", "3", "--renders", "2", "--speedup", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )

    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode in (0, 1), report  # 1: a goal missed on a loaded machine
    assert "Traceback" not in done.stderr, report
    assert re.search(r"1\. grid: 2\d rooms, \d+ KiB; first render \d+ ms", done.stdout), report
    # Every room changed twice in the rush (check-out, check-in) and each console was told
    # of every change, none missed: two changes of a room close together may come as one
    # notice (the stream coalesces them), so a console fetches at most one cell per change.
    cells = re.search(r"received and cell fetched by the consoles: (\d+) \(", done.stdout)
    published = re.search(r"room notices published: (\d+);", done.stdout)
    told = re.search(r"changes the consoles were told of: (\d+);", done.stdout)
    assert cells and published and told, report
    assert int(published.group(1)) >= 40, report
    assert "reloads (fell behind): 0;" in done.stdout, report
    assert int(told.group(1)) == 3 * int(published.group(1)), report
    assert 0 < int(cells.group(1)) <= int(told.group(1)), report
    assert "not matched: 0" in done.stdout, report
    for figure in ("change -> notice in", "change -> cell shown", "ms per console per room",
                   "rush ratio with / without", "VERDICT: "):
        assert figure in done.stdout, report
