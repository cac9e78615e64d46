"""Zoom's webhook signature and URL validation, with no I/O: bytes, a secret and a time in.

Zoom signs every webhook request with the app's secret token:

    x-zm-request-timestamp: 1773133200
    x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:" + timestamp + ":" + raw body)>

and proves the endpoint with `endpoint.url_validation`, answered with the plain token and its
HMAC (`encryptedToken`). The shape is the one our own PMS webhook borrowed (`signing.py`), so
the timestamp rule (a replay window either way) is that module's; only the scheme and the
header names differ. The HMAC covers the raw bytes: the body is never re-serialised.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from connector.web.signing import SignatureError, check_timestamp

ZOOM_SCHEME = "v0"
ZOOM_TIMESTAMP_HEADER = "x-zm-request-timestamp"
ZOOM_SIGNATURE_HEADER = "x-zm-signature"
# Zoom's own guidance: refuse a request signed more than five minutes away from now.
REPLAY_WINDOW_SECONDS = 300

_SIGNATURE = re.compile(r"v0=([0-9a-f]{64})")


def _hmac_hex(secret: str, text: bytes) -> str:
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


def zoom_signature(body: bytes, secret: str, timestamp: int) -> str:
    """The `x-zm-signature` value Zoom sends for `body` at `timestamp` (Unix seconds)."""
    return f"{ZOOM_SCHEME}={_hmac_hex(secret, f'{ZOOM_SCHEME}:{timestamp}:'.encode() + body)}"


def zoom_headers(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Both headers, as Zoom (or the sandbox playing it) sends them."""
    return {ZOOM_TIMESTAMP_HEADER: str(timestamp),
            ZOOM_SIGNATURE_HEADER: zoom_signature(body, secret, timestamp)}


def check_zoom_timestamp(header: str | None, *, now: float) -> int:
    """The request's timestamp, if within the replay window of `now` either way."""
    return check_timestamp(header, now=now, tolerance=REPLAY_WINDOW_SECONDS,
                           name=ZOOM_TIMESTAMP_HEADER)


def check_zoom_signature_header(header: str | None) -> str:
    """The hex digest in `v0=<64 hex>`; SignatureError when missing or not that shape."""
    if header is None or not header.strip():
        raise SignatureError(
            "signature_missing",
            f"The {ZOOM_SIGNATURE_HEADER} header is missing: Zoom signs every webhook; "
            "is this request from Zoom?",
        )
    found = _SIGNATURE.fullmatch(header.strip().lower())
    if found is None:
        raise SignatureError(
            "signature_malformed",
            f"The {ZOOM_SIGNATURE_HEADER} header must be 'v0=<64 hex digits>'.",
        )
    return found.group(1)


def check_zoom_signature(body: bytes, timestamp: int, header: str | None, secret: str) -> None:
    """Pass when the `v0` signature was made over `body` and `timestamp` with `secret`;
    compared in constant time."""
    offered = check_zoom_signature_header(header)
    expected = zoom_signature(body, secret, timestamp).removeprefix(f"{ZOOM_SCHEME}=")
    if not hmac.compare_digest(offered, expected):
        raise SignatureError(
            "signature_mismatch",
            "The signature does not match the body: check that "
            "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN is the Secret Token of the Zoom app that "
            "sends these events.",
        )


def verify_zoom(body: bytes, *, timestamp_header: str | None, signature_header: str | None,
                secret: str, now: float) -> int:
    """Both checks in order (timestamp, then signature); returns the timestamp."""
    timestamp = check_zoom_timestamp(timestamp_header, now=now)
    check_zoom_signature(body, timestamp, signature_header, secret)
    return timestamp


def url_validation_answer(plain_token: str, secret: str) -> dict[str, str]:
    """What Zoom expects back for `endpoint.url_validation`."""
    return {"plainToken": plain_token, "encryptedToken": _hmac_hex(secret, plain_token.encode())}
