"""CSRF: every console POST carries its session's token (a hidden `csrf_token` field or an
`X-CSRF-Token` header), compared in constant time. A cross-site form cannot read the token,
so it cannot send it. The sign-in form, before any session, uses a token kept in a short-lived
cookie and repeated in the form (the double-submit pattern)."""

from __future__ import annotations

import hmac
import secrets

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_matches(expected: str | None, given: str | None) -> bool:
    """Whether `given` is the token; False when either is missing or empty."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
