"""RTP packets (RFC 3550): build one, parse one. Pure; parse errors raise `RtpParseError`."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from connector.sip.media.errors import RtpParseError

RTP_VERSION = 2
HEADER_SIZE = 12
_HEADER = struct.Struct("!BBHII")


@dataclass(frozen=True)
class RtpPacket:
    """The header fields the media layer uses, and the payload with padding removed.

    CSRCs and header extensions are skipped on parse and never sent."""

    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False


def build(packet: RtpPacket) -> bytes:
    """The packet's bytes: version 2, no padding, no extension, no CSRC."""
    return _HEADER.pack(
        RTP_VERSION << 6,
        (0x80 if packet.marker else 0) | (packet.payload_type & 0x7F),
        packet.sequence & 0xFFFF,
        packet.timestamp & 0xFFFFFFFF,
        packet.ssrc & 0xFFFFFFFF,
    ) + packet.payload


def parse(data: bytes) -> RtpPacket:
    """Parse one datagram; raises RtpParseError for anything that is not valid RTP."""
    if len(data) < HEADER_SIZE:
        raise RtpParseError(f"{len(data)} bytes is shorter than an RTP header")
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != RTP_VERSION:
        raise RtpParseError(f"RTP version {first >> 6}, expected 2")
    offset = HEADER_SIZE + 4 * (first & 0x0F)
    if offset > len(data):
        raise RtpParseError(f"CSRC count {first & 0x0F} runs past the end of the packet")
    if first & 0x10:
        if offset + 4 > len(data):
            raise RtpParseError("header extension runs past the end of the packet")
        (words,) = struct.unpack_from("!H", data, offset + 2)
        offset += 4 + 4 * words
        if offset > len(data):
            raise RtpParseError("header extension runs past the end of the packet")
    end = len(data)
    if first & 0x20:
        padding = data[-1]
        if padding == 0 or end - padding < offset:
            raise RtpParseError(f"padding of {padding} bytes does not fit the packet")
        end -= padding
    return RtpPacket(
        payload_type=second & 0x7F,
        sequence=sequence,
        timestamp=timestamp,
        ssrc=ssrc,
        payload=bytes(data[offset:end]),
        marker=bool(second & 0x80),
    )
