"""Datetimes as ISO-8601 UTC text of fixed width, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def to_text(moment: datetime) -> str:
    """`moment` in UTC as `2026-03-10T09:00:00.000000+00:00`; naive datetimes are refused
    because the store cannot know which zone they meant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"refusing a naive datetime ({moment.isoformat()}): give it a zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """The aware UTC datetime that `to_text` wrote."""
    return datetime.fromisoformat(text)
