"""How Zoom has been answering the connector's API calls lately, for the Health page.

The metrics count answers since start; the IT person asks "is Zoom failing now, since when,
and how". A run of failed answers (5xx, no answer or a timeout, 429, a token that could not
be renewed) is an outage until Zoom answers a request again; any answer below 500 other
than 429 (a 404 too: Zoom's servers are up) ends it. Pure: the client passes the time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Trouble(enum.StrEnum):
    SERVER_ERROR = "server error"  # 5xx
    NO_ANSWER = "no answer"  # timeout, refused or dropped connection
    RATE_LIMITED = "rate limited"  # 429
    RENEWAL = "token renewal"  # the access token could not be renewed


@dataclass
class ZoomAnswers:
    """The current run of failed answers (empty while Zoom answers) and the last outage."""

    failing_since: datetime | None = None
    last_failure_at: datetime | None = None
    last_failure: str = ""  # the last failure's words, e.g. "HTTP 503 on update_user"
    counts: dict[Trouble, int] = field(default_factory=dict)
    last_ok_at: datetime | None = None
    last_outage: tuple[datetime, datetime] | None = None  # (from, until) of the last one ended

    def failed(self, trouble: Trouble, detail: str, at: datetime) -> None:
        if self.failing_since is None:
            self.failing_since = at
            self.counts = {}
        self.counts[trouble] = self.counts.get(trouble, 0) + 1
        self.last_failure_at = at
        self.last_failure = detail

    def answered(self, at: datetime) -> None:
        if self.failing_since is not None:
            self.last_outage = (self.failing_since, at)
            self.failing_since = None
            self.counts = {}
        self.last_ok_at = at

    def failed_answer(self, status: int, endpoint: str, at: datetime) -> bool:
        """Count an HTTP answer; True when it was a failure (5xx or 429)."""
        if status >= 500 or status == 429:
            trouble = Trouble.RATE_LIMITED if status == 429 else Trouble.SERVER_ERROR
            self.failed(trouble, f"HTTP {status} on {endpoint}", at)
            return True
        self.answered(at)
        return False
