"""OHIP's streaming API as messages: graphql-transport-ws with OHIP's additions (pure).

OHIP specifics (docs.oracle.com, OHIP user guide, "Streaming API"): the socket address
carries `?key=<sha256 hex of the application key>`; the OAuth token goes in
`connection_init`'s payload; one `subscribe` to `newEvent(input:{chainCode, offset, …})`;
close code 4409 when another consumer holds the stream (app key + chain + gateway).

The `connection_init` payload is `{"Authorization": "Bearer <token>", "x-app-key": <key>}`:
the header names OHIP documents for REST, as Oracle's own sample client sends them. OHIP
documents "bearer token in connection_init" without a field list, so this shape is a
choice, kept here in one place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

SUBPROTOCOL = "graphql-transport-ws"
SUBSCRIPTION_ID = "ohip-events"

# Close codes: graphql-transport-ws's, and OHIP's reading of 4409.
CLOSE_BAD_REQUEST = 4400
CLOSE_UNAUTHORIZED = 4401  # subscribe before connection_ack
CLOSE_FORBIDDEN = 4403  # connection_init refused (token)
CLOSE_INIT_TIMEOUT = 4408
CLOSE_ANOTHER_CONSUMER = 4409  # OHIP: another consumer holds this stream

# What each event brings (StreamingGraphQLSchema.json's EventHeader and EventDetail).
_SELECTION = (
    "metadata { offset uniqueEventId } moduleName eventName primaryKey timestamp hotelId "
    "publisherId actionInstanceId detail { elementName elementType elementSequence "
    "elementRole oldValue newValue scopeFrom scopeTo }"
)


def hashed_key(app_key: str) -> str:
    """The `?key=` of the socket address: the SHA-256 of the application key, in hex."""
    return hashlib.sha256(app_key.encode()).hexdigest()


def connection_init(token: str, app_key: str) -> str:
    return json.dumps({"type": "connection_init",
                       "payload": {"Authorization": f"Bearer {token}", "x-app-key": app_key}})


def new_event_document(chain_code: str, *, hotel_code: str = "", offset: str | None = None,
                       highest: bool = False, delta: bool = False) -> str:
    """The `newEvent` subscription. `offset`: the first offset wanted (OHIP replays from it,
    inclusive); none: where OHIP's record of this consumer stands; `highest`: only the newest
    event and what follows (after the offset was lost)."""
    fields = [f"chainCode: {json.dumps(chain_code)}"]
    if hotel_code:
        fields.append(f"hotelCode: {json.dumps(hotel_code)}")
    if highest:
        fields.append('offsetType: "highest"')
    elif offset is not None:
        fields.append(f"offset: {json.dumps(offset)}")
    if delta:
        fields.append("delta: true")
    return f"subscription {{ newEvent(input: {{ {', '.join(fields)} }}) {{ {_SELECTION} }} }}"


def subscribe(document: str) -> str:
    return json.dumps({"id": SUBSCRIPTION_ID, "type": "subscribe",
                       "payload": {"query": document, "variables": {}}})


def complete() -> str:
    return json.dumps({"id": SUBSCRIPTION_ID, "type": "complete"})


def pong() -> str:
    return json.dumps({"type": "pong"})


@dataclass(frozen=True, slots=True)
class ServerMessage:
    """One message from the server: `type` is connection_ack, next, error, complete, ping or
    pong; `payload` as sent (for next: the execution result; for error: a list of errors)."""

    type: str
    payload: Any = None
    id: str | None = None


class ProtocolError(ValueError):
    """The server sent something graphql-transport-ws does not allow."""


def parse(raw: str | bytes) -> ServerMessage:
    """One text frame from the server."""
    try:
        message = json.loads(raw)
    except ValueError as exc:
        raise ProtocolError("a stream message that is not JSON") from exc
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a stream message without a type")
    return ServerMessage(message["type"], message.get("payload"), message.get("id"))


def event_of(message: ServerMessage) -> dict[str, Any]:
    """The `newEvent` object of a `next` message."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    data = payload.get("data")
    event = data.get("newEvent") if isinstance(data, dict) else None
    if not isinstance(event, dict):
        errors = payload.get("errors")
        raise ProtocolError(f"a next message without data.newEvent: {errors!r}"[:300])
    return event


def error_text(message: ServerMessage) -> str:
    """The error messages of an `error` message, joined (no guest data is in them)."""
    errors = message.payload if isinstance(message.payload, list) else [message.payload]
    texts = [e.get("message", "") if isinstance(e, dict) else str(e) for e in errors]
    return "; ".join(t for t in texts if t) or "an error without a message"


def offset_lost(message: ServerMessage) -> bool:
    """Whether an `error` says the requested offset is no longer kept. How OHIP words this
    is not published (UNCONFIRMED): an error naming the offset is read as such; the
    emulator says "offset … is no longer available"."""
    return "offset" in error_text(message).lower()
