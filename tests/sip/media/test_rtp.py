"""RTP headers: round trips, the optional parts a sender may add, and broken packets."""

from __future__ import annotations

import struct

import pytest

from connector.sip.media import rtp
from connector.sip.media.errors import RtpParseError
from connector.sip.media.rtp import RtpPacket


def header(*, first: int = 0x80, second: int = 0, seq: int = 1, ts: int = 2,
           ssrc: int = 3) -> bytes:
    return struct.pack("!BBHII", first, second, seq, ts, ssrc)


def test_a_built_packet_parses_back_to_itself() -> None:
    packet = RtpPacket(payload_type=8, sequence=65535, timestamp=0xFFFFFFFF, ssrc=0xDEADBEEF,
                       payload=b"\xd5" * 160, marker=True)
    data = rtp.build(packet)
    assert len(data) == 12 + 160
    assert data[0] == 0x80 and data[1] == 0x88
    assert rtp.parse(data) == packet


def test_csrcs_and_header_extensions_are_skipped() -> None:
    csrcs = struct.pack("!II", 11, 12)
    extension = struct.pack("!HH", 0xBEDE, 2) + b"\0" * 8
    data = header(first=0x80 | 0x10 | 2, second=0x80 | 101) + csrcs + extension + b"payload"
    packet = rtp.parse(data)
    assert (packet.payload, packet.payload_type, packet.marker) == (b"payload", 101, True)


def test_padding_is_removed_from_the_payload() -> None:
    data = header(first=0x80 | 0x20) + b"abcd" + b"\0\0\0\x04"
    assert rtp.parse(data).payload == b"abcd"


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "shorter"),
    (header()[:11], "shorter"),
    (header(first=0x40), "version"),
    (header(first=0x00), "version"),
    (header(first=0x80 | 3) + b"\0" * 8, "CSRC"),
    (header(first=0x80 | 0x10) + b"\0\0", "extension"),
    (header(first=0x80 | 0x10) + struct.pack("!HH", 0xBEDE, 5) + b"\0" * 4, "extension"),
    (header(first=0x80 | 0x20) + b"ab\x09", "padding"),
    (header(first=0x80 | 0x20) + b"ab\x00", "padding"),
])
def test_malformed_packets_raise_a_parse_error(data: bytes, problem: str) -> None:
    with pytest.raises(RtpParseError, match=problem):
        rtp.parse(data)
