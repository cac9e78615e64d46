"""Which emulated endpoint a request is for, and the types handlers speak. Pure logic.

The endpoints come from `connector.zoom.catalogue` (the single source of truth for paths and
rate-limit categories), plus the few the sandbox serves for tests and the demo.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.sandbox.pagination import Pager
from connector.sandbox.state import Account
from connector.zoom.catalogue import ENDPOINTS, Category, Endpoint, Family, Feature

# Served so tests and the demo can read back what the connector set; not used by the client.
EXTRA_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("get_presence", "GET", "/users/{userId}/presence_status", Family.USERS,
             Category.MEDIUM, Feature.DND,
             ("user:read:presence_status", "user:read:presence_status:admin"),
             ("user:read", "user:read:admin")),
)
# An extra endpoint the client comes to call itself is served once, under its own name.
EMULATED: tuple[Endpoint, ...] = ENDPOINTS + tuple(
    e for e in EXTRA_ENDPOINTS
    if not any((c.method, c.path) == (e.method, e.path) for c in ENDPOINTS))


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One API call, decoded: what a handler needs and nothing of HTTP."""

    endpoint: Endpoint
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: Any  # parsed JSON, or None
    now: datetime

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True, slots=True)
class ApiResponse:
    status: int
    body: Any = None  # JSON-able; None for 204
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Options:
    """Behaviour switches where Zoom's own behaviour is not known for sure."""

    # `Do_No_Disturb` (the spelling in the spec's example) is refused unless this is set.
    accept_dnd_spec_spelling: bool = False
    # Zoom allows one presence update per user per this many seconds.
    presence_interval_seconds: float = 60.0


@dataclass
class Context:
    """What handlers may touch: the account, the pager, the options, a seeded generator."""

    account: Account
    pager: Pager
    options: Options
    rng: random.Random
    api_url: str  # where download links point
    # Queues a webhook (event name, body) for the app's event subscription.
    emit: Callable[[str, bytes], object] = lambda _event, _body: None


Handler = Callable[[Context, ApiRequest], ApiResponse]


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(pattern + r"\Z")


_ROUTES: tuple[tuple[Endpoint, re.Pattern[str]], ...] = tuple(
    (e, _compile(e.path)) for e in EMULATED
)


def resolve(method: str, path: str) -> tuple[Endpoint, dict[str, str]] | None:
    """The endpoint for `method` and an API path (without the `/v2` prefix), with its params."""
    for endpoint, pattern in _ROUTES:
        if endpoint.method != method:
            continue
        match = pattern.match(path)
        if match:
            return endpoint, match.groupdict()
    return None
