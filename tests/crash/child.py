"""`connector serve` as a real child process on a store on disk: started, killed with
SIGKILL (no cleanup of any kind), started again on the same store, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nobody listens on now; the service keeps it across restarts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ConnectorProcess:
    """One hotel's connector; each start is a new life on the same store and port."""

    def __init__(self, env: Mapping[str, str], log_path: Path, port: int, *,
                 command: tuple[str, ...] = ("-m", "connector", "serve")) -> None:
        # Only what we set: a developer's own CONNECTOR_* must not leak into the trial.
        base = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTOR_")}
        self._env = {**base, **env, "CONNECTOR_SERVER__PORT": str(port),
                     "CONNECTOR_SERVER__HOST": "127.0.0.1"}
        self._log_path = log_path
        self._command = command
        self.url = f"http://127.0.0.1:{port}"
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self.lives = 0
        self.started_at: float = 0.0  # time.monotonic() of the current life's start

    async def start(self) -> None:
        """Start a new life (does not wait for it to be ready: a kill may come first)."""
        self._log = self._log_path.open("ab")
        self._log.write(f"--- life {self.lives + 1} ---\n".encode())
        self._log.flush()
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, *self._command, cwd=ROOT, env=self._env,
            stdin=asyncio.subprocess.DEVNULL, stdout=self._log, stderr=self._log,
        )
        self.lives += 1
        self.started_at = time.monotonic()

    @property
    def pid(self) -> int:
        """The current life's process id (to read its memory, say)."""
        if self._process is None:
            raise RuntimeError("the connector is not running")
        return self._process.pid

    async def wait_ready(self, within: float = 60.0) -> None:
        """Until `/readyz` answers 200 (token, directory and store all fine)."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                self._raise_if_exited()
                try:
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the connector was not ready within {within} s; see {self._log_path}")

    def _raise_if_exited(self) -> None:
        if self._process is not None and self._process.returncode is not None:
            raise RuntimeError(f"the connector exited with {self._process.returncode} at "
                               f"start-up; see {self._log_path}")

    async def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        await self._end(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, as the platform stops it: a graceful end."""
        await self._end(signal.SIGTERM)

    async def _end(self, sig: signal.Signals) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(sig)
        await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def read_db(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """`sql` against the child's store, read-only, while the child may be running."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, args).fetchall()


async def until(check: Callable[[], object], within: float, what: str) -> None:
    """Wait until `check()` is true; TimeoutError(`what`) after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)
