"""Memory: how much a 2,000-room hotel's `connector serve` holds, idle, after every room is
checked in, and after 10,000 more mixed events, as its own process.

    python bench/memory.py [--floors 50] [--rooms-per-floor 40] [--mixed 10000] ...

Exits 0 when the goals below are met, 1 otherwise; the last line is the verdict. Figures and
how to read them: docs/benchmarks.md.

Setup. The sandbox's demo hotel (floors x rooms per floor), served over HTTP on loopback in
this process; `connector serve` is a child process pointed at it through its environment
(as the crash trials start it), with a store on disk and no SIP lines.

Measured. VmRSS of the child (/proc/<pid>/status), read three times:
  idle       `/readyz` answers 200 (token, directory and store loaded), then a short rest;
  converged  one check-in per room sent as signed webhook batches (`--batch`), and the
             connector's backlog (`connector_rooms_waiting` on /metrics) back to 0;
  mixed      `--mixed` more events (DND on/off, class of service, message waiting, guest
             changes, check-out + check-in) acknowledged, then `--settle` seconds of work.

Goals: RSS <= 60 MB at every reading; growth per 1,000 stored events between `converged` and
`mixed` of 0 (reported in MB; below `--growth-tolerance` counts as 0: the allocator keeps
what it got and the reconciler is still working on a backlog when it is read).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.events.models import (
    CheckIn,
    CheckOut,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Event,
    Guest,
    GuestChange,
    MessageWaiting,
)
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from tests.crash.child import ConnectorProcess, free_port
from tests.crash.front_desk import FrontDesk

GOAL_MB = 60.0
FIRST = ["Anna", "Bruno", "Chloe", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
LAST = ["Keller", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi"]


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` now, from the kernel's own count (VmRSS, kB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no VmRSS for process {pid}: has it exited?")
    return int(match.group(1)) / 1024


def rooms_in_zoom(sandbox: Sandbox) -> list[str]:
    """The room numbers of the map that Zoom has (the map also lists two it does not)."""
    return [entry.room for entry in sandbox.hotel.rooms
            if sandbox.account.owner_of_extension(entry.extension) is not None]


def guest(i: int) -> Guest:
    return Guest(first_name=FIRST[i % len(FIRST)], last_name=LAST[(i // len(FIRST)) % len(LAST)])


class Ids:
    """Event ids and times: unique, and in the order the PMS would send them."""

    def __init__(self) -> None:
        self._count = itertools.count(1)
        self._start = datetime.now(UTC) - timedelta(hours=1)

    def next(self) -> tuple[str, datetime]:
        n = next(self._count)
        return f"mem-{n}", self._start + timedelta(milliseconds=n)


def check_ins(rooms: list[str], ids: Ids) -> list[Event]:
    events: list[Event] = []
    for i, room in enumerate(rooms):
        event_id, at = ids.next()
        events.append(CheckIn(id=event_id, occurred_at=at, room=room, guests=[guest(i)]))
    return events


def mixed(rooms: list[str], ids: Ids, count: int) -> Iterator[Event]:
    """`count` events round the hotel, every room left occupied between two of them."""
    for n in range(count):
        room = rooms[n % len(rooms)]
        kind = (n // len(rooms)) % 6
        event_id, at = ids.next()
        if kind == 0:
            yield Dnd(id=event_id, occurred_at=at, room=room, on=True)
        elif kind == 1:
            yield ClassOfServiceChange(id=event_id, occurred_at=at, room=room,
                                       level=ClassOfService(n % 2 + 1))
        elif kind == 2:
            yield MessageWaiting(id=event_id, occurred_at=at, room=room, on=n % 2 == 0)
        elif kind == 3:
            yield GuestChange(id=event_id, occurred_at=at, room=room, guests=[guest(n + 7)])
        elif kind == 4:
            yield Dnd(id=event_id, occurred_at=at, room=room, on=False)
        elif n % 2 == 0:
            yield CheckOut(id=event_id, occurred_at=at, room=room)
        else:
            yield CheckIn(id=event_id, occurred_at=at, room=room, guests=[guest(n)])


async def send_all(desk: FrontDesk, client: httpx.AsyncClient, events: list[Event],
                   batch: int) -> None:
    for start in range(0, len(events), batch):
        await desk.send(client, events[start:start + batch])


async def backlog(client: httpx.AsyncClient, url: str) -> int:
    """Rooms the connector still works on, from its own /metrics."""
    text = (await client.get(f"{url}/metrics")).text
    match = re.search(r"^connector_rooms_waiting (\S+)$", text, re.MULTILINE)
    return int(float(match.group(1))) if match else -1


async def until_converged(client: httpx.AsyncClient, url: str, within: float) -> float | None:
    """Seconds until no room waits, or None when `within` runs out first."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await backlog(client, url) == 0:
            return time.monotonic() - started
        await asyncio.sleep(1.0)
    return None


async def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="connector-memory-"))
    sandbox = Sandbox(SandboxConfig(floors=args.floors, rooms_per_floor=args.rooms_per_floor))
    rooms = rooms_in_zoom(sandbox)
    secret = secrets.token_hex(16)
    readings: dict[str, float] = {}
    try:
        async with SandboxServer(sandbox):
            room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
            env = {**sandbox.environment(str(room_map)),
                   "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
                   "CONNECTOR_WEBHOOK__SECRET": secret,
                   "CONNECTOR_LOG__FORMAT": "json"}
            process = ConnectorProcess(env, workdir / "connector.log", free_port())
            desk = FrontDesk(process.url, secret)
            await process.start()
            try:
                started = time.monotonic()
                await process.wait_ready(within=120.0)
                print(f"ready after {time.monotonic() - started:.1f} s ({len(rooms)} rooms)")
                await asyncio.sleep(args.rest)
                pid = process.pid
                readings["idle"] = rss_mb(pid)
                ids = Ids()
                async with httpx.AsyncClient(timeout=30.0) as client:
                    await send_all(desk, client, check_ins(rooms, ids), args.batch)
                    took = await until_converged(client, process.url, args.converge_within)
                    print("check-ins: " + (f"converged in {took:.0f} s" if took is not None
                                           else f"not converged within {args.converge_within} s"))
                    readings["converged"] = rss_mb(pid)
                    await send_all(desk, client, list(mixed(rooms, ids, args.mixed)), args.batch)
                    await asyncio.sleep(args.settle)
                    readings["mixed"] = rss_mb(pid)
                    print(f"after mixed: {await backlog(client, process.url)} rooms waiting")
            finally:
                await process.stop()
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return report(readings, args)


def report(readings: dict[str, float], args: argparse.Namespace) -> int:
    print(f"\nRSS of `connector serve`, no SIP lines (goal <= {GOAL_MB:.0f} MB)")
    for name, mb in readings.items():
        print(f"  {name:<10} {mb:6.1f} MB   {mb / GOAL_MB:5.2f} x goal")
    growth = (readings["mixed"] - readings["converged"]) / (args.mixed / 1000)
    print(f"  growth     {growth:+6.2f} MB per 1,000 stored events (goal 0, "
          f"tolerance {args.growth_tolerance} MB)")
    ok = (max(readings.values()) <= GOAL_MB and growth <= args.growth_tolerance)
    print("verdict: " + ("goals met" if ok else "goals NOT met"))
    return 0 if ok else 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floors", type=int, default=50)
    parser.add_argument("--rooms-per-floor", type=int, default=40)
    parser.add_argument("--mixed", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rest", type=float, default=3.0, help="seconds idle before reading")
    parser.add_argument("--converge-within", type=float, default=600.0)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--growth-tolerance", type=float, default=0.1)
    parser.add_argument("--keep", action="store_true", help="keep the store and the log")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
