"""Responses we build, requests we refuse, credentials we add."""

from __future__ import annotations

from connector.sip.address import parse_params
from connector.sip.digest import digest_response, parse_challenge
from connector.sip.requests import preflight, response_to, with_credentials
from tests.sip.unit.factories import invite, outgoing, response


def test_response_echoes_every_via_and_tags_the_to() -> None:
    request = invite()
    ok = response_to(request, 200, to_tag="ours")
    assert ok.header_values("Via") == request.header_values("Via")
    assert (ok.header("To") or "").endswith(";tag=ours")
    assert ok.cseq == (1, "INVITE") and ok.call_id == request.call_id
    assert response_to(request, 100, to_tag="ours").header("To") == request.header("To")


def test_unknown_method_gets_501_with_allow() -> None:
    request = outgoing("SUBSCRIBE")
    refusal = preflight(request)
    assert refusal is not None and refusal.status == 501
    assert "INFO" in refusal.header_values("Allow")


def test_required_extension_we_lack_gets_420_naming_it() -> None:
    request = invite(extra="Require: 100rel, timer\r\n")
    refusal = preflight(request)
    assert refusal is not None and refusal.status == 420
    assert refusal.header_values("Unsupported") == ["100rel", "timer"]
    assert preflight(invite()) is None


def test_407_is_answered_with_proxy_authorization_and_the_next_cseq() -> None:
    request = outgoing("INVITE")
    challenge = ('Digest realm="hotel.test", nonce="n1", qop="auth", algorithm=MD5')
    rejection = response(request, 407, extra=f"Proxy-Authenticate: {challenge}\r\n")
    retry = with_credentials(request, rejection, username="1001", password="secret",
                             cnonce="c1")
    assert retry.cseq == (2, "INVITE")
    assert retry.header_values("Via") == []  # a new transaction, a new branch
    header = retry.header("Proxy-Authorization") or ""
    fields = parse_params(";".join(header[len("Digest "):].split(", ")))
    assert fields["response"] == digest_response(
        parse_challenge(challenge), username="1001", password="secret", method="INVITE",
        uri=request.uri, cnonce="c1")
    assert retry.header("Authorization") is None
