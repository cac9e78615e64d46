"""Dialog route sets: where ACK, BYE and CANCEL go (RFC 3261 §12, §9.1, §16.12)."""

from __future__ import annotations

import pytest

from connector.sip.dialog import Dialog, next_hop
from connector.sip.errors import ParseError
from connector.sip.message import Request, parse
from connector.sip.requests import cancel_for
from tests.sip.unit.factories import invite, outgoing, response


def answered_invite_dialog(*record_route: str) -> Dialog:
    request = outgoing("INVITE")
    request.add("Route", "<sip:outbound.test;lr>")
    ok = response(request, 200, extra="".join(
        f"Record-Route: {rr}\r\n" for rr in record_route) +
        "Contact: <sip:room@10.0.0.9:5062;transport=udp>\r\n")
    return Dialog.as_caller(request, ok)


def test_caller_route_set_is_the_record_route_reversed() -> None:
    dialog = answered_invite_dialog("<sip:p2.test;lr>", "<sip:p1.test;lr>")
    assert dialog.route_set == ["<sip:p1.test;lr>", "<sip:p2.test;lr>"]
    bye = dialog.request("BYE")
    assert bye.uri == "sip:room@10.0.0.9:5062;transport=udp"
    assert bye.header_values("Route") == ["<sip:p1.test;lr>", "<sip:p2.test;lr>"]
    assert next_hop(bye).host == "p1.test"
    assert bye.cseq == (2, "BYE")


def test_ack_for_2xx_reuses_the_invite_cseq_and_follows_the_route_set() -> None:
    dialog = answered_invite_dialog("<sip:p1.test;lr>")
    ack = dialog.ack(1)
    assert ack.cseq == (1, "ACK")
    assert ack.uri == "sip:room@10.0.0.9:5062;transport=udp"
    assert ack.header_values("Route") == ["<sip:p1.test;lr>"]
    assert "tag=far" in (ack.header("To") or "") and "tag=ourtag" in (ack.header("From") or "")


def test_strict_router_becomes_the_request_uri_and_the_target_goes_last() -> None:
    dialog = answered_invite_dialog("<sip:p2.test;lr>", "<sip:strict.test;transport=udp>")
    bye = dialog.request("BYE")
    assert bye.uri == "sip:strict.test"
    assert bye.header_values("Route") == ["<sip:p2.test;lr>",
                                          "<sip:room@10.0.0.9:5062;transport=udp>"]


def test_without_record_route_requests_go_straight_to_the_contact() -> None:
    bye = answered_invite_dialog().request("BYE")
    assert bye.header_values("Route") == []
    assert next_hop(bye).port == 5062


def test_callee_route_set_is_the_record_route_in_order() -> None:
    request = invite(record_route=("<sip:p1.test;lr>", "<sip:p2.test;lr>"))
    dialog = Dialog.as_callee(request, "ourtag")
    assert dialog.route_set == ["<sip:p1.test;lr>", "<sip:p2.test;lr>"]
    bye = dialog.request("BYE")
    assert bye.uri == "sip:2101@10.0.0.9:5062"
    assert "tag=ourtag" in (bye.header("From") or "")
    assert "tag=roomtag" in (bye.header("To") or "")


def test_in_dialog_request_matching_needs_call_id_and_both_tags() -> None:
    request = invite()
    dialog = Dialog.as_callee(request, "ourtag")
    bye = outgoing("BYE")
    bye.replace("Call-ID", request.call_id)
    bye.replace("From", "<sip:2101@hotel.test>;tag=roomtag")
    bye.replace("To", "<sip:7001@hotel.test>;tag=ourtag")
    assert dialog.matches(bye)
    bye.replace("To", "<sip:7001@hotel.test>;tag=other")
    assert not dialog.matches(bye)


def test_cancel_copies_the_invite_branch_route_and_cseq_number() -> None:
    request = outgoing("INVITE")
    request.add("Route", "<sip:outbound.test;lr>")
    cancel = cancel_for(request)
    assert cancel.uri == request.uri
    assert cancel.header_values("Via") == request.header_values("Via")
    assert cancel.header_values("Route") == ["<sip:outbound.test;lr>"]
    assert cancel.cseq == (1, "CANCEL")
    assert next_hop(cancel) == next_hop(request)


def test_an_invite_whose_route_or_contact_cannot_carry_a_bye_makes_no_dialog() -> None:
    # Refused up front (400) rather than answered and then impossible to hang up.
    with pytest.raises(ParseError):
        Dialog.as_callee(invite(record_route=("<sip:proxy.test:99999;lr>",)), "ours")
    bad_contact = invite(extra="").to_bytes().replace(
        b"Contact: <sip:2101@10.0.0.9:5062>", b"Contact: <mailto:room@hotel.test>")
    message = parse(bad_contact)
    assert isinstance(message, Request)
    with pytest.raises(ParseError):
        Dialog.as_callee(message, "ours")
