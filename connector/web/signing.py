"""The webhook signature scheme, with no I/O: bytes, secrets and a time in; a verdict out.

A request carries two headers:

    X-Connector-Timestamp: 1773133200
    X-Connector-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>

The shape follows Zoom's own webhooks (`v0:{ts}:{body}`), which many integrators have already
implemented; the version is part of the signed text, so a v1 signature can never be passed off
as another scheme's. Putting the timestamp under the signature is what makes the tolerance
window a replay defence: an attacker cannot refresh it without the secret.

During a secret rotation the sender may put several signatures in the header, separated by
commas (`v1=<hex>, v1=<hex>`), and the receiver accepts any of them made with any secret it
holds (the current and the previous one). Schemes other than `v1` are ignored, so a future
`v2` can be sent beside `v1` while receivers upgrade.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

SCHEME = "v1"
TIMESTAMP_HEADER = "X-Connector-Timestamp"
SIGNATURE_HEADER = "X-Connector-Signature"

# Enough for a rotation with room to spare; more is refused rather than hashed (CPU).
MAX_SIGNATURES = 8
# Up to 15 digits: a milliseconds value still parses, to be refused with a hint.
_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


class SignatureError(Exception):
    """The request is not proven to come from the PMS; `code` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def signed_text(body: bytes, timestamp: int) -> bytes:
    """What the HMAC covers: `v1:{timestamp}:{raw body}`."""
    return f"{SCHEME}:{timestamp}:".encode() + body


def digest(body: bytes, secret: str, timestamp: int) -> str:
    """The hex HMAC-SHA256 of the signed text under `secret`."""
    mac = hmac.new(secret.encode(), f"{SCHEME}:{timestamp}:".encode(), hashlib.sha256)
    mac.update(body)  # fed on, not joined to the prefix: no copy of the body
    return mac.hexdigest()


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The `X-Connector-Signature` value for `body` sent at `timestamp` (Unix seconds)."""
    return f"{SCHEME}={digest(body, secret, timestamp)}"


def signature_headers(body: bytes, secrets: Sequence[str], timestamp: int) -> dict[str, str]:
    """Both headers for a request; with two secrets (a rotation) both signatures are sent."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: ", ".join(sign(body, secret, timestamp) for secret in secrets),
    }


def check_timestamp(header: str | None, *, now: float, tolerance: float,
                    name: str = TIMESTAMP_HEADER) -> int:
    """The header's timestamp, if it is within `tolerance` seconds of `now` either way.
    `name` is the header's, for the messages (Zoom's door checks its own the same way)."""
    if header is None or not header.strip():
        raise SignatureError(
            "timestamp_missing",
            f"The {name} header is missing: send the Unix time (seconds) at which "
            "the request was signed.",
        )
    value = header.strip()
    if not _TIMESTAMP.fullmatch(value):
        raise SignatureError(
            "timestamp_malformed",
            f"The {name} header must be the Unix time in whole seconds (digits "
            "only, e.g. 1773133200).",
        )
    timestamp = int(value)
    skew = now - timestamp
    if skew > tolerance:
        raise SignatureError(
            "timestamp_expired",
            f"The request was signed {int(skew)} s ago; requests older than {int(tolerance)} s "
            "are refused as possible replays. Sign each request (and each retry) when sending "
            "it, and keep the sender's clock in sync (NTP).",
        )
    if -skew > tolerance:
        raise SignatureError(
            "timestamp_in_future",
            f"The request's timestamp is {int(-skew)} s ahead of the connector's clock (at "
            f"most {int(tolerance)} s is accepted). Check that the sender's clock is in sync "
            "(NTP) and that it sends seconds, not milliseconds.",
        )
    return timestamp


def parse_signatures(header: str | None) -> list[str]:
    """The hex digests of every `v1=` entry in the header (other schemes are skipped)."""
    if header is None or not header.strip():
        raise SignatureError(
            "signature_missing",
            f"The {SIGNATURE_HEADER} header is missing: send "
            f"'{SCHEME}=<hex HMAC-SHA256 of \"{SCHEME}:<timestamp>:<body>\">'.",
        )
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(entries) > MAX_SIGNATURES:
        raise SignatureError(
            "signature_malformed",
            f"The {SIGNATURE_HEADER} header has {len(entries)} entries; at most "
            f"{MAX_SIGNATURES} are accepted.",
        )
    digests: list[str] = []
    for entry in entries:
        scheme, sep, value = entry.partition("=")
        if not sep:
            raise SignatureError(
                "signature_malformed",
                f"Each entry of the {SIGNATURE_HEADER} header must look like "
                f"'{SCHEME}=<64 hex digits>'.",
            )
        if scheme.strip() != SCHEME:
            continue
        value = value.strip().lower()
        if not _HEX_DIGEST.fullmatch(value):
            raise SignatureError(
                "signature_malformed",
                f"A '{SCHEME}=' signature must be 64 hex digits (a SHA-256 HMAC).",
            )
        digests.append(value)
    if not digests:
        raise SignatureError(
            "signature_malformed",
            f"The {SIGNATURE_HEADER} header has no '{SCHEME}=' signature.",
        )
    return digests


def check_signature(body: bytes, timestamp: int, header: str | None,
                    secrets: Sequence[str]) -> None:
    """Pass when some `v1` signature in the header was made over `body` and `timestamp` with
    one of `secrets`; every candidate is compared in constant time."""
    check_digests(body, timestamp, parse_signatures(header), secrets)


def check_digests(body: bytes, timestamp: int, offered: Sequence[str],
                  secrets: Sequence[str]) -> None:
    """`check_signature` for a header already read by `parse_signatures`."""
    expected = [digest(body, secret, timestamp) for secret in secrets]
    # No early exit: the time taken does not tell which entry or secret came close.
    matched = False
    for candidate in offered:
        for wanted in expected:
            matched |= hmac.compare_digest(candidate, wanted)
    if not matched:
        raise SignatureError(
            "signature_mismatch",
            "The signature does not match the body: sign the exact bytes sent, as "
            f"'{SCHEME}:<timestamp>:<body>', with the secret shared with this connector "
            "(CONNECTOR_WEBHOOK__SECRET).",
        )


def verify(body: bytes, *, timestamp_header: str | None, signature_header: str | None,
           secrets: Sequence[str], now: float, tolerance: float) -> int:
    """Both checks in order (timestamp, then signature); returns the timestamp."""
    timestamp = check_timestamp(timestamp_header, now=now, tolerance=tolerance)
    check_signature(body, timestamp, signature_header, secrets)
    return timestamp
