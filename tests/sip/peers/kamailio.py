"""Kamailio 5.6 as the test "Zoom": a strict registrar and proxy on loopback.

templates/kamailio.cfg says what it does; README.md in this folder says how to read its log.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.sip.peers import ports
from tests.sip.peers.certs import SipCerts
from tests.sip.peers.process import PeerProcess, require_binary
from tests.sip.peers.templates import HERE, render_file

PASSWORD = "secret"  # the digest password of every user
PREFERRED_PORT = 25060  # UDP and TCP
PREFERRED_TLS_PORT = 25091
# Room phones without a registration are reached at 127.0.0.1:26000+NNN (extension 2NNN).
ROOM_PORT_BASE = 26000
BUSY_EXTENSION = "2999"

_REQUEST_LINE = re.compile(r"REQ (\S+) from (\S*) to")


def room_port(extension: str) -> int:
    """The UDP port where Kamailio looks for the sipp phone of room extension 2NNN."""
    if not re.fullmatch(r"2\d{3}", extension):
        raise ValueError(f"room extensions are 2NNN, not {extension!r}")
    return ROOM_PORT_BASE + int(extension[1:])


def parse_ul_dump(text: str) -> dict[str, list[str]]:
    """AOR → contact addresses, from `kamcmd ul.dump` output."""
    bindings: dict[str, list[str]] = {}
    aor: str | None = None
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if key == "AoR":
            aor = value.strip()
            bindings.setdefault(aor, [])
        elif key == "Address" and aor is not None:
            bindings[aor].append(value.strip())
    return bindings


@dataclass
class Kamailio:
    """A running Kamailio; every port is on `host` (127.0.0.1)."""

    host: str
    udp_port: int
    tcp_port: int
    tls_port: int
    password: str
    ca_file: Path
    log_path: Path
    ctl_socket: Path
    process: PeerProcess
    kamcmd: str

    def proxy(self, transport: str = "udp") -> str:
        """host:port of the listener for `transport` (udp, tcp or tls)."""
        port = self.tls_port if transport == "tls" else self.udp_port
        return f"{self.host}:{port}"

    def rpc(self, *command: str) -> str:
        """Run a kamcmd RPC command on the control socket and return its output."""
        done = subprocess.run(
            [self.kamcmd, "-s", f"unix:{self.ctl_socket}", *command],
            capture_output=True, text=True, timeout=10,
        )
        if done.returncode != 0:
            raise RuntimeError(self.process.failure(f"kamcmd {' '.join(command)}: "
                                                    f"{done.stderr.strip()}"))
        return done.stdout

    def registrations(self) -> dict[str, list[str]]:
        """Registered AORs (user names) → their contact URIs."""
        return parse_ul_dump(self.rpc("ul.dump"))

    def wait_registered(self, user: str, timeout: float = 5.0) -> list[str]:
        """The contacts of `user` once it has one; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            contacts = self.registrations().get(user, [])
            if contacts:
                return contacts
            if time.monotonic() > deadline:
                raise AssertionError(self.process.failure(f"{user} not registered in {timeout} s"))
            time.sleep(0.1)

    async def wait_registered_async(self, user: str, within: float = 5.0) -> list[str]:
        """`wait_registered` for async tests: the event loop keeps running meanwhile."""
        deadline = time.monotonic() + within
        while True:
            registered = await asyncio.to_thread(self.registrations)
            if registered.get(user):
                return registered[user]
            if time.monotonic() > deadline:
                raise AssertionError(self.process.failure(f"{user} not registered in {within} s"))
            await asyncio.sleep(0.1)

    def count(self, method: str, user: str) -> int:
        """How many `method` requests from From-user `user` reached Kamailio so far
        (retransmissions included)."""
        text = self.log_path.read_text(errors="replace")
        return sum(1 for m in _REQUEST_LINE.finditer(text) if m.groups() == (method, user))

    def stop(self) -> None:
        """SIGTERM, up to 5 s, then SIGKILL to the process group (frees the ports)."""
        self.process.stop(grace=5.0)
        ports.release(self.udp_port, self.tls_port)


def start_kamailio(directory: Path, certs: SipCerts, *, start_timeout: float = 10.0,
                   shared_room_port: int | None = None) -> Kamailio:
    """Render the config under `directory`, check it, start Kamailio, wait until it answers.

    `shared_room_port`: send every room extension without a registration to this one
    loopback port instead of 26000+NNN (one sipp answering many rooms: bench/wakeup_burst)."""
    binary = require_binary("kamailio", "kamailio")
    kamcmd = require_binary("kamcmd", "kamailio")
    directory.mkdir(parents=True, exist_ok=True)
    run_dir = directory / "run"
    run_dir.mkdir(exist_ok=True)
    host = ports.HOST
    udp_port = ports.free_port(PREFERRED_PORT)
    tls_port = ports.free_port(PREFERRED_TLS_PORT, udp=False)
    ctl_socket = run_dir / "kamailio_ctl"
    tls_config = render_file(
        HERE / "templates" / "kamailio-tls.cfg",
        {"cert_file": certs.cert_file, "key_file": certs.key_file, "ca_file": certs.ca_file},
        directory / "tls.cfg",
    )
    config = render_file(
        HERE / "templates" / "kamailio.cfg",
        {"host": host, "udp_port": udp_port, "tcp_port": udp_port, "tls_port": tls_port,
         "password": PASSWORD, "ctl_socket": ctl_socket, "tls_config": tls_config,
         "shared_room_port": shared_room_port or 0},
        directory / "kamailio.cfg",
    )
    check = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True,
                           timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"kamailio -c rejected {config}:\n{check.stderr[-3000:]}")
    log_path = directory / "kamailio.log"
    process = PeerProcess(
        "kamailio",
        [binary, "-f", str(config), "-DD", "-E", "-Y", str(run_dir),
         "-P", str(run_dir / "kamailio.pid"), "-m", "64", "-M", "8"],
        log_path,
    )
    kamailio = Kamailio(host=host, udp_port=udp_port, tcp_port=udp_port, tls_port=tls_port,
                        password=PASSWORD, ca_file=certs.ca_file, log_path=log_path,
                        ctl_socket=ctl_socket, process=process, kamcmd=kamcmd)
    _wait_ready(kamailio, start_timeout)
    return kamailio


def _wait_ready(kamailio: Kamailio, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not kamailio.process.running:
            raise RuntimeError(kamailio.process.failure("exited while starting"))
        if kamailio.ctl_socket.exists():
            try:
                kamailio.rpc("core.uptime")
            except RuntimeError:
                pass
            else:
                return
        time.sleep(0.1)
    kamailio.stop()
    raise RuntimeError(kamailio.process.failure(f"not ready after {timeout} s"))
