"""Parse Zoom's `Retry-After`, which comes as seconds, an HTTP date or an ISO timestamp."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def seconds_until_retry(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from `now`, or None when the header is missing or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    when = _parse_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _parse_date(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
