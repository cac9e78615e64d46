"""The server half of SIP digest authentication (RFC 2617 / RFC 3261 §22): issue challenges
and check the answers against the device's SIP accounts. The hashing is the connector's own
(`connector.sip.digest`), so a mistake on either side shows up as a refused line."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from connector.sip.address import parse_params
from connector.sip.digest import Challenge, digest_response
from connector.sip.message import split_list

REALM = "sandbox.zoom.us"
NONCE_LIFETIME_SECONDS = 300.0
MAX_NONCES = 1000
ALGORITHMS = frozenset({"MD5", "SHA-256"})


@dataclass(frozen=True)
class Credential:
    """What the registrar knows of one line: Zoom's user name, authorization id, password."""

    user: str
    auth_id: str
    password: str


class Nonces:
    """Nonces we issued, each good for a few minutes (monotonic seconds from the caller)."""

    def __init__(self) -> None:
        self._issued: dict[str, float] = {}

    def issue(self, now: float) -> str:
        """A new nonce for a challenge."""
        self._forget_old(now)
        nonce = secrets.token_hex(16)
        self._issued[nonce] = now
        return nonce

    def fresh(self, nonce: str, now: float) -> bool:
        """Did we issue `nonce`, recently enough?"""
        issued = self._issued.get(nonce)
        return issued is not None and now - issued < NONCE_LIFETIME_SECONDS

    def _forget_old(self, now: float) -> None:
        # Issued in time order, so the oldest come first.
        for nonce, issued in list(self._issued.items()):
            if now - issued < NONCE_LIFETIME_SECONDS and len(self._issued) < MAX_NONCES:
                return
            del self._issued[nonce]


def challenge(nonce: str, *, stale: bool = False) -> str:
    """A WWW-Authenticate / Proxy-Authenticate value (MD5, qop=auth, as Zoom sends)."""
    value = f'Digest realm="{REALM}", nonce="{nonce}", algorithm=MD5, qop="auth"'
    return value + (", stale=true" if stale else "")


@dataclass(frozen=True)
class Verdict:
    """The credential an answer proved, or None; `stale` when only the nonce was too old
    (challenge again) rather than a wrong user or password."""

    credential: Credential | None
    stale: bool = False


def check(header: str | None, *, method: str, credentials: Mapping[str, Credential],
          nonces: Nonces, now: float) -> Verdict:
    """Check an Authorization / Proxy-Authorization value; the credential it proves."""
    if header is None:
        return Verdict(None)
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return Verdict(None)
    params = parse_params(";".join(split_list(rest)))
    credential = credentials.get(params.get("username") or "")
    nonce = params.get("nonce") or ""
    if credential is None or (params.get("realm") or "") != REALM:
        return Verdict(None)
    if not nonces.fresh(nonce, now):
        return Verdict(None, stale=True)
    algorithm = (params.get("algorithm") or "MD5").upper()
    qop = (params.get("qop") or "").lower()
    nc_text = params.get("nc") or "1"
    try:
        nonce_count = int(nc_text, 16)
    except ValueError:
        return Verdict(None)
    if algorithm not in ALGORITHMS:
        return Verdict(None)
    expected = digest_response(
        Challenge(realm=REALM, nonce=nonce, algorithm=algorithm, qop=(qop,) if qop else ()),
        username=credential.auth_id, password=credential.password, method=method,
        uri=params.get("uri") or "", cnonce=params.get("cnonce") or "", nonce_count=nonce_count)
    given = params.get("response") or ""
    if not hmac.compare_digest(expected, given):
        return Verdict(None)
    return Verdict(credential)
