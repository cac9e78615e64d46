"""Kill -9 at random moments of a rush: `connector serve` as a real process on a store on
disk, killed with SIGKILL at seeded moments and restarted on the same store, while the PMS
sends check-ins, DND, class-of-service changes, check-outs of rooms holding voicemails and
wake-ups. Nothing acknowledged is lost or doubled, no report reaches the PMS twice, and every
room ends as the PMS said. `bench/crash_trials.py` runs more trials; docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.crash.trial import TrialConfig, report, run_trial

# Three hotels of one 12-room floor, side by side: each spends most of its minute waiting
# for Zoom's one presence update per user per minute, so together they take about as long
# as one (about 80 s here).
SEEDS = (1, 2, 3)


async def test_rushes_killed_at_random_moments_lose_nothing_and_double_nothing(
    tmp_path: Path,
) -> None:
    workdirs = [tmp_path / f"seed-{seed}" for seed in SEEDS]
    for workdir in workdirs:
        workdir.mkdir()

    results = await asyncio.gather(*(run_trial(TrialConfig(seed=seed), workdir)
                                     for seed, workdir in zip(SEEDS, workdirs, strict=True)))

    everything = "\n\n".join(map(report, results))
    assert all(len(r.kills) >= 3 for r in results), everything
    assert all(r.converged_after is not None for r in results), everything
    assert not [f for r in results for f in r.findings], everything
