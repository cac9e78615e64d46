"""bench/billing_day.py runs end to end for a small hotel's hour of calls, with a lost webhook
repaired by the poll: every chargeable call reaches the PMS as one PS. Its Heavy-call goal is
for a full day to judge (an hour cannot fill a page), not this test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_hour_of_calls_is_posted_once_each_with_the_lost_webhooks_found_by_the_poll(
) -> None:
    done = subprocess.run(
        [sys.executable, "bench/billing_day.py", "--floors", "1", "--rooms-per-floor", "8",
         "--calls", "60", "--hours", "1", "--speed", "360", "--lose", "0.1"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )

    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode in (0, 1), report  # 1: the Heavy goal, unreachable in an hour
    postings = re.search(r"postings: (\d+) PS received by the PMS for (\d+) chargeable calls; "
                         r"(\d+) distinct P#; lost 0, doubled 0, not matching a call 0; "
                         r"postings unknown 0", done.stdout)
    assert postings is not None, report
    received, chargeable, distinct = map(int, postings.groups())
    assert received == chargeable == distinct > 0, report
    lost = re.search(r"(\d+) lost, .*; (\d+) calls found by the poll alone", done.stdout)
    assert lost is not None and int(lost.group(1)) > 0, report
    assert int(lost.group(2)) >= int(lost.group(1)), report
    for figure in ("calls rated per CPU second", "Heavy calls / fewest pages = ",
                   "of Pro's daily Heavy budget", "VERDICT: "):
        assert figure in done.stdout, report
