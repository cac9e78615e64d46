"""The shared limiter's round trip to Redis: how long one reservation takes when no one waits.

    python bench/shared_limiter_rtt.py [--calls 5000] [--redis-url redis://127.0.0.1:6379/0]

Without `--redis-url` it starts Debian's `redis-server` on a free loopback port (no
persistence) and stops it by its process id afterwards. Each call runs the whole acquire path
(the GCRA script by EVALSHA, on the server's clock) at a limit high enough never to wait.
The goal: p99 < 2 ms on loopback; printed as a ratio to 2 ms (≤ 1.00 meets it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.clock import SystemClock
from connector.settings.model import Plan, ZoomSettings
from connector.settings.shared_limit import SharedLimitSettings
from connector.zoom.catalogue import Category, Family
from connector.zoom.limiter_setup import build_limiters

GOAL_SECONDS = 0.002
# Phone Light x this: far above any rate the loop below reaches, so no call waits for a slot.
SPEEDUP = 1000


@contextlib.contextmanager
def redis_on_loopback() -> Iterator[str]:
    program = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(program).exists():
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [program, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
         "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


async def measure(url: str, calls: int) -> list[float]:
    zoom = ZoomSettings(account_id="bench", client_id="bench",
                        client_secret=SecretStr("bench"), plan=Plan.BUSINESS)
    # A generous timeout: a slow answer is measured here, not turned into a fallback.
    shared = SharedLimitSettings(redis_url=SecretStr(url), hotel_id="bench", connectors=1,
                                 timeout_seconds=1.0)
    limiters = build_limiters(zoom, shared, SystemClock(), registry=CollectorRegistry(),
                              speedup=SPEEDUP)
    limiter = limiters.get(Family.PHONE, Category.LIGHT)
    try:
        for _ in range(100):  # warm-up: connection, script cache
            await limiter.acquire()
        times = []
        for _ in range(calls):
            began = time.perf_counter()
            await limiter.acquire()
            times.append(time.perf_counter() - began)
        return times
    finally:
        await limiters.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.redis_url or stack.enter_context(redis_on_loopback())
        times = sorted(asyncio.run(measure(url, args.calls)))
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"shared limiter round trip over {len(times)} reservations: "
          f"p50 {p50 * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms")
    print(f"p99 / 2 ms = {p99 / GOAL_SECONDS:.2f} (goal ≤ 1.00)")


if __name__ == "__main__":
    main()
