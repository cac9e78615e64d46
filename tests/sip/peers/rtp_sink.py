"""A UDP socket that stands in for a media port, to see what a peer really sent: after the
call, `drain()` reads the packets the kernel kept and `keys()` decodes the RFC 4733 presses."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from tests.sip.peers.dtmf_pcap import EVENTS, PAYLOAD_TYPE

_KEY_OF_EVENT = {event: key for key, event in EVENTS.items()}


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    marker: bool
    sequence: int
    timestamp: int
    payload: bytes


class RtpSink:
    """A bound loopback UDP socket; `port` goes into an SDP in place of the peer's own."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.port: int = self.socket.getsockname()[1]
        self.packets: list[RtpPacket] = []

    def drain(self) -> list[RtpPacket]:
        """Read every datagram waiting; keeps and returns all RTP packets seen so far."""
        while True:
            try:
                data = self.socket.recv(2048)
            except BlockingIOError:
                return self.packets
            if len(data) >= 12 and data[0] >> 6 == 2:
                second, sequence, timestamp = struct.unpack(">xBHI", data[:8])
                self.packets.append(RtpPacket(second & 0x7F, bool(second & 0x80), sequence,
                                              timestamp, data[12:]))

    def keys(self) -> str:
        """The RFC 4733 key presses received, one per event timestamp, in order."""
        pressed: dict[int, str] = {}
        for packet in self.drain():
            if packet.payload_type == PAYLOAD_TYPE and len(packet.payload) >= 4:
                pressed.setdefault(packet.timestamp, _KEY_OF_EVENT.get(packet.payload[0], "?"))
        return "".join(pressed.values())

    def close(self) -> None:
        self.socket.close()
