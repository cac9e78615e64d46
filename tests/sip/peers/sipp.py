"""sipp as scripted room phones (UAS) and callers (UAC), one child process per scenario run.

sipp runs in the foreground (no -bg), bounded by -timeout, its counts read from -trace_stat.
Each run gets its own directory with the rendered scenario, sipp's logs and its stats.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.sip.peers import ports
from tests.sip.peers.kamailio import Kamailio, room_port
from tests.sip.peers.process import PeerProcess, log_tail, require_binary
from tests.sip.peers.scenarios import render_scenario

TRANSPORTS = ("u1", "t1")  # sipp 3.6.1 in Debian has no TLS
MEDIA_PORTS_PER_SIPP = 4  # sipp uses mp (audio) and mp+2 (video)


@dataclass(frozen=True)
class RunOptions:
    """How sipp runs a scenario: -m calls, -l limit, -r rate (calls/s), -lost percent of SIP
    messages dropped, -timeout seconds (reaching it is an error), -t u1 (UDP) or t1 (TCP)."""

    calls: int = 1
    limit: int | None = None
    rate: float | None = None
    lost: int = 0
    timeout: float = 30.0
    transport: str = "u1"
    auto_answer: bool = False  # -aa: answer INFO, NOTIFY, UPDATE with 200 outside the script

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ValueError(f"sipp transport is one of {TRANSPORTS}")

    def argv(self) -> list[str]:
        args = ["-t", self.transport, "-m", str(self.calls),
                "-timeout", f"{self.timeout}s", "-timeout_error"]
        if self.limit is not None:
            args += ["-l", str(self.limit)]
        if self.rate is not None:
            args += ["-r", str(self.rate)]
        if self.lost:
            args += ["-lost", str(self.lost)]
        if self.auto_answer:
            args.append("-aa")
        return args


@dataclass(frozen=True)
class SippResult:
    """How a sipp run ended: its exit code (0: every call succeeded) and its call counts."""

    exit_code: int | None
    successful: int
    failed: int
    timed_out: bool
    log_tail: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and not self.timed_out

    def __str__(self) -> str:
        return (f"sipp exit {self.exit_code}, {self.successful} successful, {self.failed} "
                f"failed{', timed out' if self.timed_out else ''}\n{self.log_tail}")


class SippHandle:
    """One running sipp scenario."""

    def __init__(self, name: str, port: int, media_port: int, run_dir: Path,
                 process: PeerProcess, fixed_port: bool) -> None:
        self.name = name
        self.port = port
        self.media_port = media_port
        self.run_dir = run_dir
        self.process = process
        self._fixed_port = fixed_port
        self._timed_out = False
        self._released = False

    @property
    def stat_file(self) -> Path:
        return self.run_dir / "stat.csv"

    def wait(self, timeout: float) -> SippResult:
        """Block until sipp exits (stopping it after `timeout` seconds) and return the result."""
        if self.process.wait(timeout) is None:
            self._timed_out = True
        return self.stop()

    async def wait_async(self, within: float) -> SippResult:
        """`wait` for async tests: waits in a thread, so the connector in the same event loop
        keeps running."""
        if await asyncio.to_thread(self.process.wait, within) is None:
            self._timed_out = True
        return self.stop()

    def stop(self) -> SippResult:
        """Stop sipp if it still runs (SIGTERM, then SIGKILL) and return the result."""
        exit_code = self.process.stop(grace=3.0)
        if not self._released:
            self._released = True
            media = range(self.media_port, self.media_port + MEDIA_PORTS_PER_SIPP)
            ports.release(*media, *((self.port,) if self._fixed_port else ()))
        successful, failed = self._counts()
        return SippResult(exit_code=exit_code, successful=successful, failed=failed,
                          timed_out=self._timed_out, log_tail=self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        """The end of sipp's error log, screen and message trace: where a failure shows."""
        parts = []
        for name in ("errors.log", "screen.log", "messages.log", "sipp.out"):
            tail = log_tail(self.run_dir / name, lines)
            if tail:
                parts.append(f"--- {self.name} {name} ---\n{tail}")
        return "\n".join(parts)

    def _counts(self) -> tuple[int, int]:
        try:
            rows = list(csv.DictReader(self.stat_file.open(), delimiter=";"))
        except FileNotFoundError:
            return 0, 0
        if not rows:
            return 0, 0
        last = rows[-1]
        return int(last.get("SuccessfulCall(C)") or 0), int(last.get("FailedCall(C)") or 0)


class Sipp:
    """Starts sipp scenarios against a Kamailio; stops whatever is left at `stop_all`."""

    def __init__(self, directory: Path, kamailio: Kamailio) -> None:
        self.binary = require_binary("sipp", "sip-tester")
        self.directory = directory
        self.kamailio = kamailio
        self.handles: list[SippHandle] = []

    def start(
        self, scenario: str, *, port: int | None = None, remote: str | None = None,
        service: str | None = None, keys: Mapping[str, str] | None = None,
        options: RunOptions | None = None, **params: object,
    ) -> SippHandle:
        """Run `scenario` (a name in scenarios.SCENARIOS, `params` over its defaults).

        `remote` host:port makes it a UAC; without it sipp waits for calls on `port` (default:
        a free one). `service` is the R-URI user (-s), `keys` are sipp keywords (-key).
        """
        return self._launch(scenario, params, port=port, remote=remote, service=service,
                            keys=keys, options=options or RunOptions())

    def _launch(self, scenario: str, params: Mapping[str, object], *, port: int | None,
                remote: str | None, service: str | None, keys: Mapping[str, str] | None,
                options: RunOptions) -> SippHandle:
        index = len(self.handles)
        run_dir = self.directory / f"{index:02d}-{scenario}"
        run_dir.mkdir(parents=True)
        xml = render_scenario(scenario, params, run_dir)
        udp, tcp = options.transport == "u1", options.transport == "t1"
        fixed_port = port is not None
        port = ports.require_free(port, udp=udp, tcp=tcp) if port else ports.free_port(
            udp=udp, tcp=tcp)
        media_port = ports.free_udp_block(MEDIA_PORTS_PER_SIPP)
        argv = [
            self.binary, "-sf", str(xml), *([remote] if remote else []),
            "-i", ports.HOST, "-p", str(port), "-mi", ports.HOST, "-mp", str(media_port),
            *options.argv(), "-nostdin",
            "-trace_stat", "-stf", str(run_dir / "stat.csv"),
            "-trace_err", "-error_file", str(run_dir / "errors.log"),
            "-trace_msg", "-message_file", str(run_dir / "messages.log"),
            "-trace_screen", "-screen_file", str(run_dir / "screen.log"),
        ]
        if service is not None:
            argv += ["-s", service]
        for key, value in (keys or {}).items():
            argv += ["-key", key, value]
        process = PeerProcess(f"sipp {scenario}", argv, run_dir / "sipp.out", cwd=run_dir)
        handle = SippHandle(scenario, port, media_port, run_dir, process, fixed_port)
        self.handles.append(handle)
        return handle

    def room(self, extension: str, scenario: str = "room_answer_digit", *,
             options: RunOptions | None = None, **params: object) -> SippHandle:
        """A room phone for extension 2NNN on the port Kamailio sends its calls to."""
        options = options or RunOptions()
        handle = self._launch(scenario, params, port=room_port(extension), remote=None,
                              service=None, keys=None, options=options)
        # A call placed before sipp listens would be lost; sipp exiting early is reported.
        try:
            ports.wait_bound(handle.port, udp=options.transport == "u1")
        except TimeoutError as error:
            raise RuntimeError(f"{error}\n{handle.stop()}") from error
        return handle

    def call_line(self, line: str, *, dialled: str = "7001", scenario: str = "caller_digits",
                  options: RunOptions | None = None, **params: object) -> SippHandle:
        """A room phone calling our line `line` through Kamailio, dialling service `dialled`."""
        return self._launch(scenario, params, port=None, remote=self.kamailio.proxy(),
                            service=line, keys={"dialled": dialled},
                            options=options or RunOptions())

    def as_line(self, target: str, scenario: str = "line_calls_room", *,
                options: RunOptions | None = None, **params: object) -> SippHandle:
        """sipp standing in for one of our lines (digest auth), calling `target` via Kamailio."""
        return self._launch(scenario, params, port=None, remote=self.kamailio.proxy(),
                            service=target, keys=None, options=options or RunOptions())

    def stop_all(self) -> None:
        """Stop every sipp still running."""
        for handle in self.handles:
            handle.stop()
