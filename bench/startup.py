"""How long `connector serve` takes to be ready for a big hotel, and which Zoom calls it makes.

    python bench/startup.py [--floors 50] [--rooms-per-floor 40] [--plan pro] [--share 0.8]
                            [--runs 3]

The emulated Zoom (the sandbox, with its rate limits on, in real time) serves a hotel of
floors x rooms_per_floor rooms on loopback; `connector serve` starts as its own process, as a
hotel runs it, and the bench polls its `/readyz` until it answers 200. It prints, per run:

- time to ready: from starting the process to the first `/readyz` 200, split into the
  process's own start (imports, settings, the room map: until its first Zoom call) and the
  Zoom phase (first call sent -> `/readyz` OK);
  ("of which calls": first call sent -> last call answered; the rest is building the
  directory and opening the other parts);
- the Zoom calls start-up made, by endpoint, with their (family, category);
- the lower bound those calls allow: Zoom limits each (family, category) separately and
  they run in parallel, so

      bound = max over (family, category) of  calls(family, category) / rate(family, category)

  where rate = share x Zoom's per-second limit for the plan (what the connector allows
  itself); and the Zoom phase / bound.

Start-up is ready only after the extension directory is loaded (users, phone users, common
areas and assigned devices), so these listings are most of the calls. No SIP lines and no
FIAS link are configured: those parts wait on peers, not on Zoom.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.settings.model import Plan
from connector.zoom.catalogue import Category, Family
from connector.zoom.rate_tables import limit_for

READY_WITHIN_SECONDS = 300.0
POLL_SECONDS = 0.02


@dataclass
class Run:
    to_ready: float  # process started -> /readyz 200 (seconds)
    to_first_call: float  # process started -> its first Zoom request reached the sandbox
    to_last_answer: float  # process started -> the sandbox answered its last Zoom request
    calls: Counter[tuple[str, str, str]]  # (endpoint, family, category) -> calls

    @property
    def zoom_phase(self) -> float:
        return self.to_ready - self.to_first_call


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_ready(url: str, process: asyncio.subprocess.Process) -> None:
    """Poll `/readyz` until it answers 200; fail if the process exits first."""
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    async with httpx.AsyncClient(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"connector serve exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):  # refused: not listening yet
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(POLL_SECONDS)
    raise RuntimeError(f"/readyz not OK within {READY_WITHIN_SECONDS:.0f} s")


async def one_run(server: SandboxServer, workdir: Path, share: float) -> Run:
    sandbox = server.sandbox
    sandbox.log.clear()
    room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
    store = workdir / "connector.sqlite3"
    store.unlink(missing_ok=True)  # a hotel's first start: nothing stored yet
    port = free_port()
    env = {
        **os.environ,
        **sandbox.environment(str(room_map)),
        "CONNECTOR_ZOOM__RATE_LIMIT_SHARE": str(share),
        "CONNECTOR_STORE__PATH": str(store),
        "CONNECTOR_SERVER__PORT": str(port),
    }
    with (workdir / "serve.log").open("wb") as log:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "connector", "serve", env=env, stdout=log, stderr=log)
        sandbox_started = sandbox.clock.monotonic()
        try:
            await wait_ready(f"http://127.0.0.1:{port}/readyz", process)
            to_ready = time.monotonic() - started
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await process.wait()
    entries = [e for e in sandbox.log if e.endpoint is not None]
    first = min(e.monotonic - e.duration_ms / 1000 for e in entries) - sandbox_started
    last = max(e.monotonic for e in entries) - sandbox_started
    calls: Counter[tuple[str, str, str]] = Counter(
        (e.endpoint or "", e.family or "", e.category or "") for e in entries)
    return Run(to_ready=to_ready, to_first_call=first, to_last_answer=last, calls=calls)


def bound_seconds(calls: Counter[tuple[str, str, str]], plan: Plan,
                  share: float) -> tuple[float, str]:
    """The rate limits' lower bound for these calls, and the (family/category) that sets it."""
    per_category: Counter[tuple[str, str]] = Counter()
    for (_, family, category), n in calls.items():
        if family and category:
            per_category[(family, category)] += n
    seconds = {
        key: n / (limit_for(Family(key[0]), Category(key[1]), plan).per_second * share)
        for key, n in per_category.items()
    }
    if not seconds:
        return 0.0, "-"
    key = max(seconds, key=lambda k: seconds[k])
    return seconds[key], f"{key[0]}/{key[1]}"


def report(runs: list[Run], plan: Plan, share: float, rooms: int) -> None:
    calls = runs[-1].calls
    print(f"\nZoom calls at start-up ({rooms} rooms, plan {plan.value}, share {share}):")
    for (name, family, category), n in sorted(calls.items()):
        where = f"{family}/{category}" if family else "-"
        print(f"  {name:<22}{where:<18}{n:>5}")
    print(f"  {'total':<40}{sum(calls.values()):>5}")
    bound, by = bound_seconds(calls, plan, share)
    print(f"\nlower bound: {bound:.2f} s (set by {by}: calls / (share x Zoom's limit))")
    print("\nrun  to ready   process start   Zoom phase   of which calls   "
          "Zoom phase / bound")
    for i, run in enumerate(runs, 1):
        ratio = run.zoom_phase / bound if bound else float("inf")
        print(f"{i:>3}  {run.to_ready:>7.2f} s  {run.to_first_call:>11.2f} s  "
              f"{run.zoom_phase:>9.2f} s  {run.to_last_answer - run.to_first_call:>12.2f} s"
              f"  {ratio:>8.2f}")
    ready = statistics.median(r.to_ready for r in runs)
    phase = statistics.median(r.zoom_phase for r in runs)
    print(f"\nmedian: ready in {ready:.2f} s; Zoom phase {phase:.2f} s = "
          f"{phase / bound if bound else float('inf'):.2f} x the bound; "
          f"time to ready / bound = {ready / bound if bound else float('inf'):.2f}")


async def main(args: argparse.Namespace) -> int:
    plan = Plan(args.plan)
    config = SandboxConfig(plan=plan, floors=args.floors, rooms_per_floor=args.rooms_per_floor)
    sandbox = Sandbox(config)
    rooms = len(sandbox.hotel.rooms)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        async with SandboxServer(sandbox) as server:
            for _ in range(args.runs):
                runs.append(await one_run(server, Path(tmp), args.share))
                # Let the account's one-second windows empty before the next start.
                await asyncio.sleep(2.0)
    report(runs, plan, args.share, rooms)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floors", type=int, default=50)
    parser.add_argument("--rooms-per-floor", type=int, default=40)
    parser.add_argument("--plan", choices=[p.value for p in Plan], default=Plan.PRO.value)
    parser.add_argument("--share", type=float, default=0.8)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
