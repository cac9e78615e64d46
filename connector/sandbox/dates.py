"""Zoom's `from`/`to` query windows for voicemail and call-history listings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connector.sandbox import errors


def _parse(name: str, value: str, end_of_day: bool) -> datetime:
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and end_of_day:
            parsed += timedelta(days=1) - timedelta(microseconds=1)
        return parsed
    raise errors.validation_failed(name, f"Invalid field: {name} {value}.")


def window(
    from_: str | None, to: str | None, now: datetime, default: timedelta
) -> tuple[datetime, datetime]:
    """The [start, end] a listing covers: as asked, or the `default` span ending now."""
    if from_ is None and to is None:
        return now - default, now
    if from_ is None or to is None:
        raise errors.validation_failed("to" if to is None else "from",
                                       "Both from and to are required.")
    start, end = _parse("from", from_, False), _parse("to", to, True)
    if end < start:
        raise errors.validation_failed("to", "The to date must not be before the from date.")
    return start, end


def day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")
