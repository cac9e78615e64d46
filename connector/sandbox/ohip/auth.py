"""OHIP's gateway auth: OAuth client-credentials tokens, the application key and the hotel
header, checked on every call as the gateway does before any API sees the request."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from connector.clock import Clock
from connector.sandbox.ohip.errors import OhipError

DEFAULT_TOKEN_SECONDS = 3600  # OHIP: a token lives 60 minutes


@dataclass(frozen=True, slots=True)
class Credentials:
    """What Oracle gives the hotel's integration (the emulator's are fixed and public)."""

    client_id: str = "ZOOM_CONNECTOR_Client"
    client_secret: str = "emulated-client-secret"  # noqa: S105 - a published test value
    app_key: str = "6d3b8a51-3c0e-4a8f-9f2b-2f1c6e0a7b41"  # a UUID, as the spec's pattern asks


@dataclass
class _Token:
    app_key: str
    expires_at: float  # clock.monotonic()


def _unauthorized(detail: str) -> OhipError:
    return OhipError(401, detail, "UNAUTHORIZED",
                     headers={"WWW-Authenticate": 'Bearer realm="OHIP"'})


@dataclass
class OhipAuth:
    """Issues tokens and checks each request's credentials."""

    clock: Clock
    credentials: Credentials = field(default_factory=Credentials)
    token_seconds: int = DEFAULT_TOKEN_SECONDS
    issued: int = 0  # every token request is billed as a call: tests count them
    _tokens: dict[str, _Token] = field(default_factory=dict)

    def issue(self, authorization: str | None, app_key: str | None,
              grant_type: str | None) -> tuple[str, int]:
        """A new token for Basic client credentials and the app key; (token, lifetime)."""
        if app_key != self.credentials.app_key:
            raise _unauthorized("The application key (x-app-key) is missing or not known")
        if not self._basic_ok(authorization):
            raise _unauthorized("Invalid client ID or client secret")
        if grant_type != "client_credentials":
            raise OhipError(400, "grant_type must be client_credentials", "UNSUPPORTED_GRANT")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = _Token(app_key, self.clock.monotonic() + self.token_seconds)
        self.issued += 1
        return token, self.token_seconds

    def _basic_ok(self, authorization: str | None) -> bool:
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, _, secret = decoded.partition(":")
        return (secrets.compare_digest(client_id, self.credentials.client_id)
                and secrets.compare_digest(secret, self.credentials.client_secret))

    def check_token(self, bearer: str) -> bool:
        """Whether `bearer` (the token, with or without "Bearer ") is live: the stream's
        connection_init and the dequeue route ask this."""
        token = self._tokens.get(bearer.removeprefix("Bearer ").strip())
        return token is not None and self.clock.monotonic() < token.expires_at

    def expire_tokens(self) -> int:
        """Fault: every token issued so far has expired; how many were live."""
        now = self.clock.monotonic()
        live = sum(1 for t in self._tokens.values() if t.expires_at > now)
        for token in self._tokens.values():
            token.expires_at = min(token.expires_at, now)
        return live

    def check(self, headers: Mapping[str, str], hotel_id: str | None,
              known_hotel: str) -> None:
        """An API call's credentials, in the gateway's order: token, app key, hotel."""
        scheme, _, value = headers.get("authorization", "").partition(" ")
        token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise _unauthorized("A valid bearer token is required")
        if self.clock.monotonic() >= token.expires_at:
            raise _unauthorized("The access token has expired")
        if headers.get("x-app-key") != token.app_key:
            raise _unauthorized("The application key (x-app-key) does not match the token")
        header_hotel = headers.get("x-hotelid")
        if not header_hotel:
            raise OhipError(403, "The x-hotelid header is required", "HOTEL_REQUIRED")
        if hotel_id is not None and header_hotel != hotel_id:
            raise OhipError(403, "The x-hotelid header does not match the hotel in the path",
                            "HOTEL_MISMATCH")
        if header_hotel != known_hotel:
            raise OhipError(403, f"Not authorized for hotel {header_hotel}", "HOTEL_FORBIDDEN")
