"""Call-IDs, tags and branches: random from `secrets`, so they never repeat across restarts
(a restarted process must not match a proxy's old transaction)."""

from __future__ import annotations

import secrets

# RFC 3261 §8.1.1.7: the magic cookie marks a branch as globally unique.
BRANCH_COOKIE = "z9hG4bK"


def new_branch() -> str:
    return BRANCH_COOKIE + secrets.token_hex(10)


def new_tag() -> str:
    return secrets.token_hex(6)


def new_call_id(host: str) -> str:
    return f"{secrets.token_hex(12)}@{host}"


def new_cnonce() -> str:
    return secrets.token_hex(8)
