"""Framing SIP on a TCP/TLS stream: partial reads, several messages per read, keep-alives."""

from __future__ import annotations

import pytest

from connector.sip.errors import ParseError
from connector.sip.framing import StreamFramer
from tests.sip.unit.factories import invite


def test_message_split_across_reads_comes_out_whole() -> None:
    data = invite().to_bytes()
    framer = StreamFramer()
    assert framer.feed(data[:30]) == []
    assert framer.feed(data[30:-2]) == []
    assert framer.feed(data[-2:]) == [data]


def test_two_messages_and_keepalives_in_one_read() -> None:
    data = invite().to_bytes()
    framer = StreamFramer()
    assert framer.feed(b"\r\n\r\n" + data + b"\r\n" + data) == [data, data]
    assert framer.pings == 1


def test_ping_split_across_reads_is_still_one_ping() -> None:
    framer = StreamFramer()
    framer.feed(b"\r\n")
    framer.feed(b"\r\n")
    assert framer.pings == 1


def test_stream_without_content_length_cannot_be_framed() -> None:
    with pytest.raises(ParseError):
        StreamFramer().feed(b"OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n")


def test_endless_headers_are_refused() -> None:
    with pytest.raises(ParseError):
        StreamFramer().feed(b"X" * 70_000)
