"""RFC 4733 key presses as pcap files that sipp's `play_pcap_audio` replays.

Debian's `dtmf_2833_<d>.pcap` files all come from one old capture: a key's sequence numbers
and timestamp are fixed, so a repeated key ("11") would replay identical packets (a decoder
that drops duplicates hears one key) and "4" then "1" would go back in sequence. A caller
keying several digits therefore gets generated presses: one SSRC, sequence numbers and
timestamps that only move forward, each press shaped like Debian's (a marker packet,
updates every 20 ms, three end packets).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

PAYLOAD_TYPE = 101  # telephone-event, as every scenario's SDP offers it
EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}
PACKET_MS = 20
SAMPLES_PER_MS = 8
VOLUME = 10
UPDATES = 8  # 160 ms of tone before the end packets
END_REPEATS = 3
_LOOPBACK = bytes([127, 0, 0, 1])


@dataclass
class DtmfStream:
    """The RTP position of one caller's key presses, moved forward by each press."""

    ssrc: int = 0x5EED1234
    sequence: int = 1000
    timestamp: int = 8000

    def press(self, key: str, at_ms: int) -> list[bytes]:
        """RTP packets of one press of `key` starting `at_ms` after the stream began."""
        event = EVENTS[key]
        start = self.timestamp + at_ms * SAMPLES_PER_MS
        packets = []
        duration = 0
        for index in range(UPDATES):
            duration = (index + 1) * PACKET_MS * SAMPLES_PER_MS
            packets.append(self._packet(event, start, duration, marker=index == 0, end=False))
            self.sequence += 1
        # The end packet is sent three times with one sequence number, as Debian's pcaps do.
        packets += [self._packet(event, start, duration, marker=False, end=True)] * END_REPEATS
        self.sequence += 1
        return packets

    def _packet(self, event: int, timestamp: int, duration: int, *, marker: bool,
                end: bool) -> bytes:
        header = struct.pack(">BBHII", 0x80, (0x80 if marker else 0) | PAYLOAD_TYPE,
                             self.sequence & 0xFFFF, timestamp & 0xFFFFFFFF, self.ssrc)
        body = struct.pack(">BBH", event, (0x80 if end else 0) | VOLUME, duration)
        return header + body


def _frame(rtp: bytes) -> bytes:
    udp = struct.pack(">HHHH", 10000, 10000, 8 + len(rtp), 0) + rtp
    total = 20 + len(udp)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 17, 0, _LOOPBACK, _LOOPBACK)
    checksum = _ip_checksum(ip)
    ip = ip[:10] + struct.pack(">H", checksum) + ip[12:]
    ethernet = b"\x00" * 12 + b"\x08\x00"
    return ethernet + ip + udp


def _ip_checksum(header: bytes) -> int:
    total = int(sum(struct.unpack(f">{len(header) // 2}H", header)))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def write_pcap(packets: list[bytes], target: Path) -> Path:
    """Write RTP packets as an Ethernet pcap, PACKET_MS apart (end packets back to back)."""
    records = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    moment_us = 0
    previous: bytes | None = None
    for rtp in packets:
        if previous is not None and rtp != previous:
            moment_us += PACKET_MS * 1000
        frame = _frame(rtp)
        records.append(struct.pack("<IIII", moment_us // 1_000_000, moment_us % 1_000_000,
                                   len(frame), len(frame)))
        records.append(frame)
        previous = rtp
    target.write_bytes(b"".join(records))
    return target
