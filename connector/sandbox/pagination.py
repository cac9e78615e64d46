"""Zoom's token pagination: `next_page_token` that expires after 15 minutes. Pure logic."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from connector.sandbox import errors
from connector.sandbox.errors import ZoomError

T = TypeVar("T")
TOKEN_TTL = timedelta(minutes=15)
DEFAULT_PAGE_SIZE = 30
_CURSOR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_page_token: str  # "" on the last page, as Zoom sends it
    page_size: int
    total_records: int


@dataclass(slots=True)
class _Cursor:
    listing: str
    offset: int
    issued_at: datetime


def page_size(query: Mapping[str, list[str]], maximum: int | None) -> int:
    """The page size asked for, capped at the endpoint's documented maximum."""
    raw = query.get("page_size", [])
    if not raw:
        return DEFAULT_PAGE_SIZE if maximum is None else min(DEFAULT_PAGE_SIZE, maximum)
    try:
        size = int(raw[-1])
    except ValueError:
        raise errors.validation_failed("page_size", "Invalid field.") from None
    if size < 1:
        raise errors.validation_failed("page_size", "Page size must be at least 1.")
    return size if maximum is None else min(size, maximum)


@dataclass
class Pager:
    """Hands out pages and remembers where each `next_page_token` continues."""

    rng: random.Random = field(default_factory=lambda: random.Random(0))
    ttl: timedelta = TOKEN_TTL
    _cursors: dict[str, _Cursor] = field(default_factory=dict)

    def page(
        self,
        items: Sequence[T],
        *,
        listing: str,
        size: int,
        token: str | None,
        now: datetime,
        expired: ZoomError | None = None,
    ) -> Page[T]:
        """One page of `items`; `listing` names the list and its filters a token belongs to."""
        offset = 0
        if token:
            cursor = self._cursors.get(token)
            if cursor is None or cursor.listing != listing or now - cursor.issued_at > self.ttl:
                raise expired or errors.bad_request(
                    "The next page token is invalid or expired.", code=300
                )
            offset = cursor.offset
        chunk = items[offset:offset + size]
        next_token = ""
        if offset + size < len(items):
            next_token = "".join(self.rng.choice(_CURSOR_ALPHABET) for _ in range(32))
            self._cursors[next_token] = _Cursor(listing, offset + size, now)
        return Page(chunk, next_token, size, len(items))

    def reset(self) -> None:
        self._cursors.clear()
