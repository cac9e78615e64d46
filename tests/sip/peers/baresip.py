"""baresip 1.0 as a real room phone: registers to Kamailio, auto-answers, plays a WAV prompt,
sends DTMF on command (ctrl_tcp), can insist on SDES-SRTP, and dumps what it hears to a WAV.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.sip.peers import ports
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.process import PeerProcess, require_binary
from tests.sip.peers.templates import HERE, render_file

PROMPT_TEXT = "Good morning. This is the room phone speaking. Please press one."
_STATS_LINE = re.compile(r"^\s*(packets|errors):\s+(\d+)\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class RtpStats:
    """baresip's `rtp_stats` for the last audio stream (printed when a call ends)."""

    tx_packets: int
    rx_packets: int
    tx_errors: int
    rx_errors: int


def parse_rtp_stats(log: str) -> RtpStats | None:
    """The last packets/errors rows of baresip's rtp_stats table in `log`, if any."""
    rows: dict[str, tuple[int, int]] = {}
    for name, tx, rx in _STATS_LINE.findall(log):
        rows[name] = (int(tx), int(rx))
    if "packets" not in rows:
        return None
    errors = rows.get("errors", (0, 0))
    return RtpStats(rows["packets"][0], rows["packets"][1], errors[0], errors[1])


def make_prompt_wav(target: Path) -> Path:
    """A spoken prompt as 8 kHz mono 16-bit WAV (espeak-ng, then sox)."""
    espeak = require_binary("espeak-ng", "espeak-ng")
    sox = require_binary("sox", "sox")
    raw = target.with_suffix(".raw.wav")
    subprocess.run([espeak, "-w", str(raw), PROMPT_TEXT], check=True, capture_output=True,
                   timeout=60)
    subprocess.run([sox, str(raw), "-r", "8000", "-c", "1", "-b", "16", str(target)],
                   check=True, capture_output=True, timeout=60)
    return target


def netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


def read_netstring(stream: socket.socket) -> bytes:
    """One netstring from a blocking socket (the socket's timeout bounds it)."""
    length = b""
    while (char := stream.recv(1)) != b":":
        if not char or not char.isdigit():
            raise ConnectionError(f"bad netstring length {length + char!r}")
        length += char
    body = b""
    while len(body) < int(length) + 1:
        chunk = stream.recv(int(length) + 1 - len(body))
        if not chunk:
            raise ConnectionError("ctrl_tcp closed mid-message")
        body += chunk
    return body[:-1]


class BaresipPhone:
    """One running baresip registered as `user`."""

    def __init__(self, user: str, directory: Path, process: PeerProcess, ctrl_port: int,
                 dump_dir: Path) -> None:
        self.user = user
        self.directory = directory
        self.process = process
        self.ctrl_port = ctrl_port
        self.dump_dir = dump_dir

    def command(self, command: str, params: str = "", timeout: float = 5.0) -> dict[str, object]:
        """Run a baresip command over ctrl_tcp and return its JSON response."""
        request = json.dumps({"command": command, "params": params, "token": command}).encode()
        with socket.create_connection((ports.HOST, self.ctrl_port), timeout=timeout) as conn:
            conn.sendall(netstring(request))
            while True:  # events may come first
                message = json.loads(read_netstring(conn))
                if message.get("response"):
                    if not message.get("ok"):
                        raise RuntimeError(self.process.failure(f"{command} {params}: {message}"))
                    return dict(message)

    def send_dtmf(self, digits: str) -> None:
        """Key `digits` in the current call (baresip sends RFC 4733 events)."""
        for digit in digits:
            self.command("sndcode", digit)

    def hangup(self) -> None:
        """Hang up the current call."""
        self.command("hangup")

    def log_text(self) -> str:
        return self.process.log_path.read_text(errors="replace")

    def rtp_stats(self) -> RtpStats | None:
        """tx/rx packets and errors of the last finished call, from the log."""
        return parse_rtp_stats(self.log_text())

    @property
    def received_wav(self) -> Path | None:
        """What the phone heard in its last call, decoded (sndfile's dump), if any."""
        dumps = sorted(self.dump_dir.glob("dump-*-dec.wav"), key=lambda p: p.stat().st_mtime)
        return dumps[-1] if dumps else None

    def stop(self) -> None:
        self.process.stop(grace=3.0)


class Baresip:
    """Starts baresip room phones registered to a Kamailio; `stop_all` ends them."""

    def __init__(self, directory: Path, kamailio: Kamailio, prompt_wav: Path) -> None:
        self.binary = require_binary("baresip", "baresip-core")
        self.directory = directory
        self.kamailio = kamailio
        self.prompt_wav = prompt_wav
        self.phones: list[BaresipPhone] = []

    def start(self, user: str = "2002", *, mediaenc: str | None = "srtp-mand",
              transport: str = "udp", life_seconds: int = 120,
              register_timeout: float = 10.0) -> BaresipPhone:
        """A baresip registered as `user` (password: Kamailio's) over `transport`
        (udp, tcp, tls), auto-answering; `mediaenc` "srtp-mand", "srtp" or None (plain RTP)."""
        directory = self.directory / f"{len(self.phones):02d}-{user}"
        dump_dir = directory / "dumps"
        dump_dir.mkdir(parents=True)
        sip_port = ports.free_port()
        ctrl_port = ports.free_port(udp=False)
        rtp_min = ports.free_udp_block(20)
        values = {
            "host": ports.HOST, "sip_port": sip_port, "ca_file": self.kamailio.ca_file,
            "source_wav": self.prompt_wav, "rtp_min": rtp_min, "rtp_max": rtp_min + 19,
            "dump_dir": dump_dir, "ctrl_port": ctrl_port, "user": user,
            "domain": self.kamailio.host, "password": self.kamailio.password,
            "proxy": self.kamailio.proxy(transport),
            "proxy_params": "" if transport == "udp" else f";transport={transport}",
            "mediaenc": f";mediaenc={mediaenc}" if mediaenc else "",
        }
        for name in ("config", "accounts"):
            render_file(HERE / "templates" / "baresip" / name, values, directory / name)
        (directory / "contacts").write_text("")
        process = PeerProcess(f"baresip {user}",
                              [self.binary, "-f", str(directory), "-t", str(life_seconds)],
                              directory / "baresip.log", cwd=directory)
        phone = BaresipPhone(user, directory, process, ctrl_port, dump_dir)
        self.phones.append(phone)
        self.kamailio.wait_registered(user, register_timeout)
        return phone

    def stop_all(self) -> None:
        for phone in self.phones:
            phone.stop()
