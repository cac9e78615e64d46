"""Zoom's webhook events as the connector reads them (pure parsing, no I/O).

Every request is an envelope `{"event": "...", "event_ts": <ms>, "payload": {...}}`; which
fields the payload has depends on the event. Only what the connector uses is read; the rest
of a payload is ignored, so Zoom adding a field breaks nothing.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

URL_VALIDATION = "endpoint.url_validation"
PRESENCE_UPDATED = "user.presence_status_updated"

_Id = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
_Word = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class ZoomEventInvalid(ValueError):
    """The body is not a Zoom event the connector can read; the message says what is off."""


@dataclass(frozen=True)
class ZoomEvent:
    """One webhook request: the event's name, Zoom's timestamp (ms) and its payload."""

    event: str
    event_ts: int | None
    payload: dict[str, Any]


def parse_envelope(body: bytes) -> ZoomEvent:
    """The envelope of a Zoom webhook body (already proven to come from Zoom)."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ZoomEventInvalid(f"The body is not JSON: {error}.") from None
    if not isinstance(value, dict):
        raise ZoomEventInvalid("The body must be a JSON object with `event` and `payload`.")
    event, payload, event_ts = value.get("event"), value.get("payload"), value.get("event_ts")
    if not isinstance(event, str) or not event.strip() or len(event) > 128:
        raise ZoomEventInvalid("`event` is missing or not a short string.")
    if not isinstance(payload, dict):
        raise ZoomEventInvalid(f"`payload` of {event[:128]} is missing or not an object.")
    if event_ts is not None and (isinstance(event_ts, bool) or not isinstance(event_ts, int)):
        raise ZoomEventInvalid("`event_ts` must be whole milliseconds.")
    return ZoomEvent(event=event.strip(), event_ts=event_ts, payload=payload)


def plain_token(event: ZoomEvent) -> str:
    """The token `endpoint.url_validation` asks the endpoint to sign."""
    token = event.payload.get("plainToken")
    if not isinstance(token, str) or not 1 <= len(token) <= 256:
        raise ZoomEventInvalid("`payload.plainToken` is missing or not a short string.")
    return token


class Presence(enum.Enum):
    """What a presence status says about do-not-disturb."""

    DND = "dnd"
    AVAILABLE = "available"
    # Away, On_Phone_Call, In_Meeting, Offline, ...: nobody chose DND on or off.
    OTHER = "other"


# Zoom's material spells it both ways (zoom-api-facts §3.2): accept both.
_DND_STATUSES = frozenset({"do_not_disturb", "do_no_disturb"})


class _PresenceObject(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: _Id
    email: str | None = None
    date_time: AwareDatetime
    presence_status: _Word


@dataclass(frozen=True)
class PresenceChange:
    """`user.presence_status_updated`: the Zoom user's presence changed at `at`."""

    user_id: str
    email: str | None
    at: datetime
    status: str  # as Zoom spelled it
    presence: Presence


def parse_presence(event: ZoomEvent) -> PresenceChange:
    """The presence change in a `user.presence_status_updated` payload."""
    try:
        found = _PresenceObject.model_validate(event.payload.get("object"))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ZoomEventInvalid(
            f"`payload.object{'.' + where if where else ''}` of {PRESENCE_UPDATED}: "
            f"{first['msg']}.") from None
    word = found.presence_status.lower()
    presence = (Presence.DND if word in _DND_STATUSES
                else Presence.AVAILABLE if word == "available" else Presence.OTHER)
    return PresenceChange(user_id=found.id, email=found.email, at=found.date_time,
                          status=found.presence_status, presence=presence)
