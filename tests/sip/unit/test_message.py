"""Parsing and printing SIP messages; malformed input always ends as ParseError."""

from __future__ import annotations

import pytest

from connector.sip.address import parse_name_addr, parse_uri, parse_via
from connector.sip.errors import ParseError
from connector.sip.message import Request, Response, parse, split_list
from tests.sip.unit.factories import invite


def test_invite_round_trips_byte_for_byte_in_its_headers() -> None:
    original = invite(record_route=("<sip:p1.test;lr>", "<sip:p2.test;lr>"))
    again = parse(original.to_bytes())
    assert isinstance(again, Request)
    assert again.headers == original.headers
    assert again.body == b"v=0\n"
    assert again.cseq == (1, "INVITE")


def test_compact_headers_and_folded_lines_are_understood() -> None:
    data = (b"SIP/2.0 200 OK\r\nv: SIP/2.0/TLS a.test;branch=z9hG4bK1\r\n"
            b"f: <sip:a@b>;tag=1\r\nt: <sip:c@d>\r\n ;tag=2\r\ni: x@y\r\nCSeq: 5 BYE\r\n"
            b"l: 0\r\n\r\n")
    message = parse(data)
    assert isinstance(message, Response)
    assert message.status == 200
    assert message.call_id == "x@y"
    assert parse_name_addr(message.header("To") or "").tag == "2"
    assert parse_via(message.header_values("Via")[0]).transport == "TLS"


def test_list_headers_split_at_commas_outside_quotes_and_brackets() -> None:
    assert split_list('<sip:a;x=1,2>, "B, C" <sip:b>,<sip:c>') == [
        "<sip:a;x=1,2>", '"B, C" <sip:b>', "<sip:c>"]
    message = invite(record_route=("<sip:p1;lr>, <sip:p2;lr>", "<sip:p3;lr>"))
    assert message.header_values("Record-Route") == ["<sip:p1;lr>", "<sip:p2;lr>",
                                                     "<sip:p3;lr>"]


def test_content_length_is_always_written_from_the_body() -> None:
    message = invite()
    message.body = b"longer body"
    assert b"Content-Length: 11\r\n\r\nlonger body" in message.to_bytes()


def test_datagram_body_is_cut_at_content_length() -> None:
    data = invite().to_bytes() + b"trailing junk"
    assert parse(data).body == b"v=0\n"


@pytest.mark.parametrize("data", [
    b"", b"\r\n\r\n", b"garbage\r\n\r\n", b"INVITE sip:a SIP/2.0\r\n",
    b"INVITE sip:a SIP/3.0\r\nVia: x\r\n\r\n",
    b"SIP/2.0 2000 OK\r\n\r\n",
    b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=1\r\nFrom: <sip:a>\r\nTo: <sip:b>\r\n"
    b"Call-ID: c\r\nCSeq: one INVITE\r\n\r\n",
    b"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=1\r\nFrom: <sip:a>\r\nTo: <sip:b>\r\n"
    b"Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n",
    b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a>\r\nTo: <sip:b>\r\n"
    b"Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 99\r\n\r\nshort",
    b"OPTIONS sip:a@b SIP/2.0\r\nno colon here\r\n\r\n",
    b"\xff\xfe\r\n\r\n",
])
def test_malformed_messages_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse(data)


def test_uris_with_ports_params_and_ipv6() -> None:
    uri = parse_uri("sips:1001@[2001:db8::1]:5091;transport=tls;lr?subject=x")
    assert (uri.scheme, uri.user, uri.host, uri.port) == ("sips", "1001", "[2001:db8::1]", 5091)
    assert uri.transport == "tls" and uri.loose_routing
    assert str(parse_uri("sip:proxy.test;lr")) == "sip:proxy.test;lr"


@pytest.mark.parametrize("text", ["http://x", "sip:", "sip:a@host:99999", "sip:[::1"])
def test_bad_uris_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse_uri(text)


def test_addr_spec_parameters_belong_to_the_header() -> None:
    address = parse_name_addr("sip:2101@hotel.test;tag=abc")
    assert address.uri == "sip:2101@hotel.test"
    assert address.tag == "abc"


def test_via_received_and_rport_are_read_for_nat_learning() -> None:
    via = parse_via("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKx;received=203.0.113.7;rport=40001")
    assert (via.received, via.rport, via.branch) == ("203.0.113.7", 40001, "z9hG4bKx")
