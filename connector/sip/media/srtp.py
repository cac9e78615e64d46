"""SDES-SRTP (RFC 4568 keys, RFC 3711 packets) through pylibsrtp.

Keys are 30 bytes (16-byte AES master key + 14-byte salt), carried in SDP as
`inline:<base64>`. Protect/unprotect failures are counted, never raised, so one bad or
replayed packet cannot disturb the shared media clock or the receive path.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field

import pylibsrtp

MASTER_KEY_AND_SALT_BYTES = 30

# The SDES crypto suites pylibsrtp can run, by their SDP name.
SUITES: dict[str, int] = {
    "AES_CM_128_HMAC_SHA1_80": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
    "AES_CM_128_HMAC_SHA1_32": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32,
}
DEFAULT_SUITE = "AES_CM_128_HMAC_SHA1_80"


def generate_key() -> bytes:
    """A fresh master key and salt for one direction of one call."""
    return secrets.token_bytes(MASTER_KEY_AND_SALT_BYTES)


def encode_inline(key: bytes) -> str:
    """The base64 text that follows `inline:` in an a=crypto line."""
    return base64.b64encode(key).decode("ascii")


def decode_inline(text: str) -> bytes | None:
    """The key from `inline:` text, or None when it is not 30 bytes of valid base64."""
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == MASTER_KEY_AND_SALT_BYTES else None


@dataclass(frozen=True)
class SrtpKeys:
    """What an SDES exchange agreed: the suite, our sending key and the far end's."""

    suite: str
    tx_key: bytes = field(repr=False)
    rx_key: bytes = field(repr=False)


class SrtpContext:
    """Both directions of one call's SRTP; `errors` counts packets that failed."""

    def __init__(self, keys: SrtpKeys) -> None:
        profile = SUITES[keys.suite]
        self._tx = pylibsrtp.Session(pylibsrtp.Policy(
            key=keys.tx_key, ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND, srtp_profile=profile))
        self._rx = pylibsrtp.Session(pylibsrtp.Policy(
            key=keys.rx_key, ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND, srtp_profile=profile))
        self.errors = 0

    def protect(self, rtp: bytes) -> bytes | None:
        """Encrypt and authenticate one RTP packet; None (counted) when libsrtp refuses it."""
        try:
            return self._tx.protect(rtp)
        except pylibsrtp.Error:
            self.errors += 1
            return None

    def unprotect(self, srtp: bytes) -> bytes | None:
        """Check and decrypt one SRTP packet; None (counted) for a forged, replayed or
        malformed one."""
        try:
            return self._rx.unprotect(srtp)
        except pylibsrtp.Error:
            self.errors += 1
            return None
