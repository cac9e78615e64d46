"""Debian's redis-server as a child on loopback, stopped by its process id.

Without the program the tests skip, unless CI (`CI=true`, or CONNECTOR_REQUIRE_SIP_PEERS=1 as
`.ci/run` sets) requires it: then they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


def redis_server_path() -> str | None:
    return shutil.which("redis-server") or next(
        (str(p) for p in (Path("/usr/bin/redis-server"), Path("/usr/sbin/redis-server"))
         if p.exists()), None)


def redis_required() -> bool:
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("CONNECTOR_REQUIRE_SIP_PEERS") == "1")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One redis-server without persistence; `kill()` and `start()` again on the same port
    play a crash and a restart (empty)."""

    def __init__(self, program: str, port: int | None = None) -> None:
        self.program = program
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            [self.program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == ["+PONG"]:
                return
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """Stop it at once, by its process id (a crash: nothing is saved)."""
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=10)
        self._process = None

    def command(self, *words: str) -> list[str] | None:
        """Send one inline command on a fresh connection; its reply's lines, or None."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall((" ".join(words) + "\r\n").encode())
                return conn.recv(4096).decode().splitlines()
        except OSError:
            return None
