"""Zoom's webhook signature, pure: the v0 HMAC over the raw body, and a five-minute window."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from connector.web.signing import SignatureError
from connector.web.zoom_signing import (
    url_validation_answer,
    verify_zoom,
    zoom_headers,
    zoom_signature,
)

SECRET = "zoom-app-secret-token-harbour"
NOW = 1_773_133_200
BODY = b'{"event":"user.presence_status_updated","payload":{"object":{"id":"u1"}}}'


def verify(body: bytes = BODY, *, timestamp: str | None = str(NOW),
           signature: str | None = None, secret: str = SECRET, now: float = NOW) -> int:
    return verify_zoom(body, timestamp_header=timestamp,
                       signature_header=signature if signature is not None
                       else zoom_signature(BODY, SECRET, NOW),
                       secret=secret, now=now)


def refused(**kwargs: object) -> str:
    with pytest.raises(SignatureError) as caught:
        verify(**kwargs)  # type: ignore[arg-type]
    return caught.value.code


def test_the_signature_is_zooms_v0_hmac_of_timestamp_and_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), f"v0:{NOW}:".encode() + BODY, hashlib.sha256)
    assert zoom_signature(BODY, SECRET, NOW) == f"v0={expected.hexdigest()}"
    assert zoom_headers(BODY, SECRET, NOW) == {
        "x-zm-request-timestamp": str(NOW), "x-zm-signature": f"v0={expected.hexdigest()}"}


def test_a_request_signed_by_zoom_now_passes() -> None:
    assert verify() == NOW


def test_a_signature_with_another_secret_is_refused() -> None:
    assert refused(secret="another-apps-secret-token") == "signature_mismatch"


def test_a_body_changed_on_the_way_is_refused() -> None:
    # Re-serialised JSON (a space added) is another body: the HMAC covers the raw bytes.
    assert refused(body=BODY.replace(b":", b": ", 1)) == "signature_mismatch"


def test_a_request_older_than_five_minutes_is_refused_as_a_replay() -> None:
    assert verify(now=NOW + 300) == NOW
    assert refused(now=NOW + 301) == "timestamp_expired"


def test_a_request_from_more_than_five_minutes_ahead_is_refused() -> None:
    assert verify(now=NOW - 300) == NOW
    assert refused(now=NOW - 301) == "timestamp_in_future"


@pytest.mark.parametrize(("missing", "code"), [("timestamp", "timestamp_missing"),
                                                ("signature", "signature_missing")])
def test_a_request_without_zoom_headers_is_refused(missing: str, code: str) -> None:
    with pytest.raises(SignatureError) as caught:
        verify_zoom(BODY, timestamp_header=None if missing == "timestamp" else str(NOW),
                    signature_header=None if missing == "signature"
                    else zoom_signature(BODY, SECRET, NOW), secret=SECRET, now=NOW)
    assert caught.value.code == code
    assert "x-zm-" in caught.value.message


@pytest.mark.parametrize("header", ["v1=" + "a" * 64, "v0=xyz", "sha256=abc", "v0=" + "a" * 63])
def test_a_signature_not_in_zooms_shape_is_refused(header: str) -> None:
    assert refused(signature=header) == "signature_malformed"


def test_a_timestamp_in_milliseconds_is_refused_with_a_hint() -> None:
    with pytest.raises(SignatureError) as caught:
        verify(timestamp=str(NOW * 1000))
    assert caught.value.code == "timestamp_in_future"
    assert "milliseconds" in caught.value.message


def test_url_validation_is_answered_with_the_token_and_its_hmac() -> None:
    answer = url_validation_answer("qgg8vlvZRS6UYooatFL8Aw", SECRET)

    assert answer == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw",
                                   hashlib.sha256).hexdigest(),
    }
