"""Crash trials: `connector serve` killed with SIGKILL at random moments of a webhook rush.

    python bench/crash_trials.py [--trials 20] [--seed 1] [--parallel 3] [--keep] ...

Each trial is a small hotel on the Zoom emulator (served over HTTP on loopback) with
`connector serve` as a child process on a store on disk. A seeded PMS sends signed webhook
events (check-ins, DND on and off, class of service, check-outs of rooms holding voicemails
left before and during the stay, wake-ups) while the process is killed with SIGKILL at seeded
moments and restarted on the same store; then it converges, is stopped, and the trial checks:

- lost: an acknowledged event (202) not in the store or never applied; a due wake-up never
  reported to the PMS;
- doubled: an event stored twice; a voicemail deleted again after Zoom deleted it (by the
  same life, or a life started after the delete); one wake-up reported under two report
  ids, or one report delivered twice by the same life;
- wrong: a room whose Zoom state (names, DND, outbound rules, voicemails) is not what the
  acknowledged events, folded once without crashes, ask for.

Presence updates and voicemail deletes are held (`hold` fault): Zoom does them at once and
answers `--hold` seconds later, so kills often fall after Zoom acted and before the connector
knew. Each finding names the room and what differs, with the room's timeline (events,
voicemails, kills). Exits 0 when every count is 0. docs/benchmarks.md explains the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash.trial import TrialConfig, TrialResult, report, run_trial, verdict


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1, help="seed of the first trial; "
                        "trial i uses seed + i")
    parser.add_argument("--parallel", type=int, default=3,
                        help="trials run side by side (each mostly waits for Zoom's minute)")
    parser.add_argument("--floors", type=int, default=1)
    parser.add_argument("--rooms-per-floor", type=int, default=12)
    parser.add_argument("--hold", type=float, default=0.3,
                        help="seconds Zoom holds its answer to presence updates and deletes")
    parser.add_argument("--kill-after", type=float, nargs=2, default=(0.1, 2.0),
                        metavar=("MIN", "MAX"), help="seconds from readiness to the kill")
    parser.add_argument("--settle-kills", type=int, default=2,
                        help="kills after the rush, while the connector catches up")
    parser.add_argument("--store-dir", type=Path, default=None,
                        help="where the trials' directories go (default: a temporary one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep each trial's store and connector log")
    return parser.parse_args()


async def _run(args: argparse.Namespace, root: Path) -> list[TrialResult]:
    gate = asyncio.Semaphore(args.parallel)

    async def one(seed: int) -> TrialResult:
        config = TrialConfig(seed=seed, floors=args.floors,
                             rooms_per_floor=args.rooms_per_floor, hold=args.hold,
                             kill_after=(args.kill_after[0], args.kill_after[1]),
                             settle_kills=args.settle_kills)
        workdir = root / f"seed-{seed}"
        workdir.mkdir()
        async with gate:
            result = await run_trial(config, workdir)
        print(report(result), flush=True)
        return result

    return list(await asyncio.gather(*(one(args.seed + i) for i in range(args.trials))))


def _table(results: list[TrialResult]) -> str:
    rows = ["seed  rooms  events  kills  seconds  converged  lost  doubled  wrong"]
    for r in sorted(results, key=lambda r: r.config.seed):
        converged = f"{r.converged_after:.1f}" if r.converged_after is not None else "no"
        rows.append(f"{r.config.seed:4d}  {r.rooms:5d}  {r.events:6d}  {len(r.kills):5d}  "
                    f"{r.seconds:7.1f}  {converged:>9}  {r.count('lost'):4d}  "
                    f"{r.count('doubled'):7d}  {r.count('wrong'):5d}")
    return "\n".join(rows)


def main() -> int:
    args = _arguments()
    root = Path(tempfile.mkdtemp(prefix="crash-trials-", dir=args.store_dir))
    started = time.monotonic()
    try:
        results = asyncio.run(_run(args, root))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    lost, doubled, wrong = verdict(results)
    kills = sum(len(r.kills) for r in results)
    events = sum(r.events for r in results)
    print()
    print(_table(results))
    print(f"\n{len(results)} trials, {events} acknowledged events, {kills} kills, "
          f"{time.monotonic() - started:.0f} s" + (f"; kept in {root}" if args.keep else ""))
    print(f"lost {lost} / doubled {doubled} / wrong {wrong} (goal 0 / 0 / 0)")
    ok = lost == doubled == wrong == 0
    print(f"VERDICT: {'goal met' if ok else 'goal missed'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
