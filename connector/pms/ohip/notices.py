"""OHIP business events as notices: the stream's `newEvent` and the dequeue's
`businessEventData[]`, kept exactly as received (pure, no I/O).

The stream's key is `metadata.uniqueEventId` (OHIP's dedupe key); a polled event has no
such id, so its key is `businessEventId.id`. The name is the event's name (`eventName` on
the stream, `header.actionType` when polled, e.g. "CHECK IN"); the adapter reads either
body shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connector.pms.cloud.contract import Notice


class MalformedEvent(ValueError):
    """A business event without the fields its key and name come from."""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise MalformedEvent(f"an OHIP business event without {what}")
    return str(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedEvent(f"an OHIP business event without {what}")
    return value


def stream_notice(payload: Mapping[str, Any], received_at: datetime) -> Notice:
    """The notice for one streamed `newEvent` (the `data.newEvent` object)."""
    metadata = _mapping(payload.get("metadata"), "metadata")
    key = _text(metadata.get("uniqueEventId"), "metadata.uniqueEventId")
    name = _text(payload.get("eventName"), "eventName")
    return Notice(key=f"ohip:{key}", name=name, body=dict(payload), received_at=received_at)


def stream_offset(payload: Mapping[str, Any]) -> str:
    """The offset OHIP gave one streamed `newEvent` (`metadata.offset`)."""
    return _text(_mapping(payload.get("metadata"), "metadata").get("offset"), "metadata.offset")


def poll_notices(answer: Any, received_at: datetime) -> list[Notice]:
    """The notices in one answer of the businessEvents dequeue, in its order ([] when it
    holds none: OHIP answers 204 with no body when the queue is empty)."""
    if answer is None or answer == "":
        return []
    data = _mapping(answer, "an answer object").get("businessEventData") or []
    if not isinstance(data, list):
        raise MalformedEvent("an OHIP dequeue answer whose businessEventData is not a list")
    return [poll_notice(item, received_at) for item in data]


def poll_notice(item: Any, received_at: datetime) -> Notice:
    """The notice for one `businessEventData[]` item of the dequeue."""
    entry = _mapping(item, "an entry")
    key = _text(_mapping(entry.get("businessEventId"), "businessEventId").get("id"),
                "businessEventId.id")
    header = _mapping(_mapping(entry.get("businessEvent"), "businessEvent").get("header"),
                      "businessEvent.header")
    name = _text(header.get("actionType"), "header.actionType")
    return Notice(key=f"ohip:{key}", name=name, body=dict(entry), received_at=received_at)


def event_time(value: object) -> datetime | None:
    """When OHIP says an event happened (ISO 8601 with a zone), for the lag; None when
    absent or in a form not understood (OHIP's exact format is not published)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
