"""Digest authentication against the RFCs' worked examples."""

from __future__ import annotations

import pytest

from connector.sip.address import parse_params
from connector.sip.digest import (
    Challenge,
    DigestError,
    authorization,
    digest_response,
    parse_challenge,
)


def test_rfc2617_md5_example_with_qop_auth() -> None:
    challenge = Challenge(realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                          qop=("auth",), opaque="5ccc069c403ebaf9f0171e9517f40e41")
    assert digest_response(challenge, username="Mufasa", password="Circle Of Life",
                           method="GET", uri="/dir/index.html",
                           cnonce="0a4f113b") == "6629fae49393a05397450978507c4ef1"


@pytest.mark.parametrize(("algorithm", "expected"), [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_rfc7616_examples(algorithm: str, expected: str) -> None:
    challenge = Challenge(realm="http-auth@example.org",
                          nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                          algorithm=algorithm, qop=("auth",))
    assert digest_response(challenge, username="Mufasa", password="Circle of Life",
                           method="GET", uri="/dir/index.html",
                           cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ") == expected


def test_kamailio_style_challenge_is_parsed_with_quoted_commas() -> None:
    challenge = parse_challenge(
        'Digest realm="hotel.test", nonce="abc,def", qop="auth,auth-int", '
        'algorithm=SHA-256, opaque="xyz", stale=TRUE')
    assert challenge == Challenge(realm="hotel.test", nonce="abc,def", algorithm="SHA-256",
                                  qop=("auth", "auth-int"), opaque="xyz", stale=True)


def test_authorization_uses_the_separate_auth_user_and_echoes_opaque() -> None:
    challenge = Challenge(realm="zoom", nonce="n1", qop=("auth",), opaque="op")
    header = authorization(challenge, username="802", password="pw", method="REGISTER",
                           uri="sip:zoom", cnonce="c1")
    fields = parse_params(";".join(part for part in header[len("Digest "):].split(", ")))
    assert fields["username"] == "802"
    assert fields["opaque"] == "op"
    assert fields["nc"] == "00000001"
    assert fields["qop"] == "auth"
    assert fields["response"] == digest_response(
        challenge, username="802", password="pw", method="REGISTER", uri="sip:zoom",
        cnonce="c1")


def test_challenge_without_qop_gets_the_rfc2069_response() -> None:
    challenge = Challenge(realm="r", nonce="n")
    header = authorization(challenge, username="u", password="p", method="INVITE",
                           uri="sip:x", cnonce="c")
    assert "qop" not in header and "cnonce" not in header


@pytest.mark.parametrize("header", [
    'Basic realm="x"', 'Digest realm="x", nonce="n", algorithm=SHA-512-256',
    'Digest realm="x", nonce="n", qop="auth-int"',
])
def test_unanswerable_challenges_are_refused(header: str) -> None:
    with pytest.raises(DigestError):
        parse_challenge(header)
