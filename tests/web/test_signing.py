"""The signature scheme on its own: bytes, secrets and a time in, a verdict out."""

from __future__ import annotations

import pytest

from connector.web.signing import (
    MAX_SIGNATURES,
    SignatureError,
    check_signature,
    check_timestamp,
    sign,
    signature_headers,
    signed_text,
    verify,
)

SECRET = "harbour-view-webhook-secret-2026"
OLD = "harbour-view-webhook-secret-2025"
BODY = b'{"type":"dnd","id":"e1","occurred_at":"2026-03-10T22:00:00+01:00","room":"205","on":true}'
NOW = 1_773_176_400


def refusal(**kwargs: object) -> str:
    arguments: dict[str, object] = {
        "timestamp_header": str(NOW), "signature_header": sign(BODY, SECRET, NOW),
        "secrets": [SECRET], "now": NOW, "tolerance": 300, **kwargs,
    }
    with pytest.raises(SignatureError) as refused:
        verify(BODY, **arguments)  # type: ignore[arg-type]
    return refused.value.code


def test_the_signed_text_is_the_version_the_timestamp_and_the_raw_body() -> None:
    assert signed_text(b'{"a":1}', 1773176400) == b'v1:1773176400:{"a":1}'


def test_a_request_signed_with_the_secret_passes() -> None:
    headers = signature_headers(BODY, [SECRET], NOW)
    assert verify(BODY, timestamp_header=headers["X-Connector-Timestamp"],
                  signature_header=headers["X-Connector-Signature"],
                  secrets=[SECRET], now=NOW + 5, tolerance=300) == NOW


def test_a_signature_over_other_bytes_is_refused() -> None:
    assert refusal(signature_header=sign(BODY + b" ", SECRET, NOW)) == "signature_mismatch"


def test_a_signature_with_another_secret_is_refused() -> None:
    assert refusal(signature_header=sign(BODY, "someone-elses-secret-123", NOW)) == (
        "signature_mismatch")


def test_a_signature_for_another_timestamp_is_refused() -> None:
    assert refusal(signature_header=sign(BODY, SECRET, NOW - 1)) == "signature_mismatch"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_signature_is_refused(header: str | None) -> None:
    assert refusal(signature_header=header) == "signature_missing"


@pytest.mark.parametrize("header", [
    "v1", "v1=", "v1=xyz", "v1=" + "a" * 63, "v1=" + "a" * 65, "v2=" + "a" * 64, "sha256=abc",
    ",".join(["v1=" + "a" * 64] * (MAX_SIGNATURES + 1)),
])
def test_a_malformed_signature_is_refused(header: str) -> None:
    assert refusal(signature_header=header) == "signature_malformed"


@pytest.mark.parametrize("header", [None, "", " "])
def test_a_missing_timestamp_is_refused(header: str | None) -> None:
    assert refusal(timestamp_header=header) == "timestamp_missing"


@pytest.mark.parametrize("header", ["-5", "1.5", "1e9", "abc", "0x10", "9" * 16, "١٢٣"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(header: str) -> None:
    assert refusal(timestamp_header=header) == "timestamp_malformed"


def test_a_request_older_than_the_window_is_refused_as_a_replay() -> None:
    assert refusal(now=NOW + 301) == "timestamp_expired"
    with pytest.raises(SignatureError, match="301 s ago"):
        check_timestamp(str(NOW), now=NOW + 301, tolerance=300)


def test_a_request_from_the_future_is_refused() -> None:
    assert refusal(now=NOW - 301) == "timestamp_in_future"


def test_a_request_just_inside_the_window_passes_either_way() -> None:
    assert check_timestamp(str(NOW), now=NOW + 300, tolerance=300) == NOW
    assert check_timestamp(str(NOW), now=NOW - 300, tolerance=300) == NOW


def test_milliseconds_are_refused_with_a_hint() -> None:
    with pytest.raises(SignatureError, match="not milliseconds") as refused:
        check_timestamp(str(NOW * 1000), now=NOW, tolerance=300)
    assert refused.value.code == "timestamp_in_future"


def test_during_a_rotation_the_previous_secret_still_signs() -> None:
    check_signature(BODY, NOW, sign(BODY, OLD, NOW), [SECRET, OLD])
    check_signature(BODY, NOW, sign(BODY, SECRET, NOW), [SECRET, OLD])


def test_after_a_rotation_the_previous_secret_no_longer_signs() -> None:
    with pytest.raises(SignatureError):
        check_signature(BODY, NOW, sign(BODY, OLD, NOW), [SECRET])


def test_a_sender_mid_rotation_may_send_both_signatures() -> None:
    header = signature_headers(BODY, [SECRET, OLD], NOW)["X-Connector-Signature"]
    assert header.count("v1=") == 2
    check_signature(BODY, NOW, header, [SECRET])
    check_signature(BODY, NOW, header, [OLD])


def test_other_schemes_beside_v1_are_ignored_and_hex_case_does_not_matter() -> None:
    upper = sign(BODY, SECRET, NOW).upper().replace("V1=", "v1=")
    check_signature(BODY, NOW, f"v2={'0' * 64}, {upper}", [SECRET])


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="at least one secret"):
        signature_headers(BODY, [], NOW)
