"""What every peer needs: its binary (or a skip), a child in its own session, a bounded stop
by PID, and the tail of its log for a failure message."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

REQUIRE_ENV = "CONNECTOR_REQUIRE_SIP_PEERS"


def require_binary(name: str, package: str) -> str:
    """The path of a peer's program; skips the test without it, unless CI demands peers."""
    path = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if path is None:
        reason = f"{name} is not installed (Debian package {package}); see tests/sip/peers"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires it")
        pytest.skip(reason)
    return path


def log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file ('' when it does not exist yet)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class PeerProcess:
    """A peer running as a child in its own session, stdout and stderr to `log_path`."""

    def __init__(self, name: str, argv: Sequence[str], log_path: Path,
                 cwd: Path | None = None) -> None:
        self.name = name
        self.log_path = log_path
        with log_path.open("ab") as log:
            # A session of its own: a stuck peer's children can be killed as one group.
            self.popen = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=cwd, start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if still running after `timeout` seconds."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 5.0) -> int:
        """SIGTERM to the PID, up to `grace` seconds, then SIGKILL to its process group.

        Kamailio's children keep its ports if the main process dies first, hence the group.
        """
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            if self.wait(grace) is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._reap_group()
        return self.popen.returncode

    def _reap_group(self) -> None:
        # Children left in the group after the leader exited (the leader's PID is the PGID).
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def failure(self, what: str, lines: int = 40) -> str:
        """A failure message naming the peer, with its log's tail."""
        tail = log_tail(self.log_path, lines)
        return f"{self.name}: {what}\n--- {self.log_path} (tail) ---\n{tail}"
