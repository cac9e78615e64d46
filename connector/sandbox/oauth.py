"""Server-to-Server OAuth as Zoom runs it: account credentials in, bearer tokens out."""

from __future__ import annotations

import base64
import binascii
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from connector.sandbox import errors

TOKEN_LIFETIME = timedelta(hours=1)
# Zoom's example answers 3599 for a one-hour token: a second has passed by the time it says so.
EXPIRES_IN = 3599


class OAuthError(Exception):
    """Zoom's OAuth answers errors in its own shape: `{"reason": ..., "error": ...}`."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(f"{status} {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason

    def body(self) -> dict[str, str]:
        return {"reason": self.reason, "error": self.error}


@dataclass(frozen=True, slots=True)
class Credentials:
    """The sandbox's Server-to-Server app (fake values, printed by `connector sandbox`)."""

    account_id: str
    client_id: str
    client_secret: str


@dataclass(slots=True)
class IssuedToken:
    value: str
    scopes: frozenset[str]
    issued_at: datetime
    expires_at: datetime
    revoked: bool = False


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@dataclass
class TokenIssuer:
    """Issues and checks access tokens; every token expires after an hour of sandbox time."""

    credentials: Credentials
    scopes: frozenset[str]
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    _tokens: dict[str, IssuedToken] = field(default_factory=dict)

    def issue(
        self, authorization: str | None, grant_type: str | None, account_id: str | None,
        now: datetime,
    ) -> IssuedToken:
        """Check the app's credentials and account; raise OAuthError as Zoom would."""
        pair = _basic(authorization)
        if pair is None or not (
            secrets.compare_digest(pair[0], self.credentials.client_id)
            and secrets.compare_digest(pair[1], self.credentials.client_secret)
        ):
            raise OAuthError(401, "invalid_client", "Invalid client_id or client_secret")
        if grant_type != "account_credentials":
            raise OAuthError(400, "unsupported_grant_type", "Unsupported grant type")
        if not account_id:
            raise OAuthError(400, "invalid_request", "Missing account_id")
        if account_id != self.credentials.account_id:
            raise OAuthError(400, "invalid_request", "Invalid account_id")
        value = "sbx." + "".join(f"{self.rng.getrandbits(32):08x}" for _ in range(6))
        token = IssuedToken(value, self.scopes, now, now + TOKEN_LIFETIME)
        self._tokens[value] = token
        return token

    def authenticate(self, authorization: str | None, now: datetime) -> IssuedToken:
        """The token behind a `Bearer` header; 401 code 124 if it is unknown, expired or revoked."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise errors.invalid_token()
        token = self._tokens.get(authorization[7:].strip())
        if token is None or token.revoked:
            raise errors.invalid_token()
        if now >= token.expires_at:
            raise errors.expired_token()
        return token

    def revoke_all(self) -> int:
        """Invalidate every issued token (the app was deactivated, or its secret rotated)."""
        live = [t for t in self._tokens.values() if not t.revoked]
        for token in live:
            token.revoked = True
        return len(live)

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """Scopes for tokens issued from now on (tokens already out keep theirs, as at Zoom)."""
        self.scopes = frozenset(scopes)

    def require(self, token: IssuedToken, any_of: Iterable[str], shown: list[str]) -> None:
        """400 code 4711 unless the token holds one of `any_of`."""
        if token.scopes.isdisjoint(any_of):
            raise errors.missing_scopes(shown)

    def reset(self) -> None:
        self._tokens.clear()
