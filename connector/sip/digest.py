"""HTTP digest authentication for SIP (RFC 2617, RFC 7616, RFC 8760): MD5 and SHA-256, qop=auth."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from connector.sip.address import parse_params
from connector.sip.errors import SipError
from connector.sip.message import split_list

_HASHES = {"MD5": "md5", "SHA-256": "sha256"}


class DigestError(SipError):
    """A challenge we cannot answer (unknown algorithm or qop)."""


@dataclass(frozen=True)
class Challenge:
    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False


def parse_challenge(header: str) -> Challenge:
    """A WWW-Authenticate / Proxy-Authenticate value; raises DigestError if not usable."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        raise DigestError(f"unsupported auth scheme {scheme!r}")
    params = parse_params(";".join(split_list(rest)))
    algorithm = (params.get("algorithm") or "MD5").upper()
    if algorithm not in _HASHES:
        raise DigestError(f"unsupported digest algorithm {algorithm}")
    qop = tuple(q.strip().lower() for q in (params.get("qop") or "").split(",") if q.strip())
    if qop and "auth" not in qop:
        raise DigestError("challenge offers no qop=auth")
    return Challenge(
        realm=params.get("realm") or "",
        nonce=params.get("nonce") or "",
        algorithm=algorithm,
        qop=qop,
        opaque=params.get("opaque"),
        stale=(params.get("stale") or "").lower() == "true",
    )


def _hash(algorithm: str, text: str) -> str:
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def digest_response(challenge: Challenge, *, username: str, password: str, method: str,
                    uri: str, cnonce: str, nonce_count: int = 1) -> str:
    """The `response` value for one request (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1)."""
    ha1 = _hash(challenge.algorithm, f"{username}:{challenge.realm}:{password}")
    ha2 = _hash(challenge.algorithm, f"{method}:{uri}")
    if challenge.qop:
        return _hash(challenge.algorithm,
                     f"{ha1}:{challenge.nonce}:{nonce_count:08x}:{cnonce}:auth:{ha2}")
    return _hash(challenge.algorithm, f"{ha1}:{challenge.nonce}:{ha2}")


def authorization(challenge: Challenge, *, username: str, password: str, method: str, uri: str,
                  cnonce: str, nonce_count: int = 1) -> str:
    """The Authorization / Proxy-Authorization header value answering `challenge`."""
    response = digest_response(challenge, username=username, password=password, method=method,
                               uri=uri, cnonce=cnonce, nonce_count=nonce_count)
    fields = [f'username="{username}"', f'realm="{challenge.realm}"',
              f'nonce="{challenge.nonce}"', f'uri="{uri}"', f'response="{response}"',
              f"algorithm={challenge.algorithm}"]
    if challenge.qop:
        fields += [f'cnonce="{cnonce}"', "qop=auth", f"nc={nonce_count:08x}"]
    if challenge.opaque is not None:
        fields.append(f'opaque="{challenge.opaque}"')
    return "Digest " + ", ".join(fields)
