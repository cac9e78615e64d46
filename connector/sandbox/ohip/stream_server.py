"""The emulated OHIP streaming API: `wss://<gateway>/subscriptions`, graphql-transport-ws.

As OHIP does it: the socket address carries `?key=<sha256 of the app key>`; the bearer
token comes in `connection_init` (refused: close 4403; a subscribe before the ack: 4401);
one consumer per (app key, chain) at a time, a second one's `subscribe` closed with 4409;
`newEvent(input:{chainCode, offset, offsetType, hotelCode, delta})` replays from `offset`
(inclusive), from where this consumer's last connection stopped when no offset is given, or
from the newest event with `offsetType: "highest"`, then streams new events; an offset no
longer kept is refused with an error naming it. Faults (`StreamFaults`) break the
connection mid-flow and lose, double, delay or swap events.

The subscription document is read with a small pattern, not a GraphQL parser (the sandbox
carries no GraphQL library): the tests check the connector's document against OHIP's
published schema. Every field of `EventHeader` is sent, selected or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from connector.sandbox.ohip.event_log import BusinessEvent, OhipEventLog
from connector.sandbox.ohip.stream_faults import StreamFaults

SUBPROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT = 10.0
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")
_INPUT_RE = re.compile(r"newEvent\s*\(\s*input\s*:\s*\{(?P<fields>[^}]*)\}\s*\)", re.S)
_FIELD_RE = re.compile(r'(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|true|false|-?\d+)')


@dataclass
class _Streams:
    """What the emulated gateway remembers across connections."""

    holders: dict[tuple[str, str], int] = field(default_factory=dict)  # → connection id
    positions: dict[tuple[str, str], int] = field(default_factory=dict)  # last offset sent
    connections: int = 0


def stream_routes(log: OhipEventLog, *, auth: Callable[[str], bool], faults: StreamFaults,
                  app_key: str | None = None,
                  on_subscribe: Callable[[Mapping[str, str]], None] | None = None,
                  on_document: Callable[[str], None] | None = None,
                  ) -> list[BaseRoute]:
    """The `/subscriptions` WebSocket route. `auth(bearer_token)` says whether a token is
    valid; `app_key`: when given, the only application key accepted; `on_subscribe` is told
    each subscription's input and `on_document` its GraphQL document as sent (for tests, which
    check it against the published schema, and the bench)."""
    streams = _Streams()

    async def endpoint(ws: WebSocket) -> None:
        key = ws.query_params.get("key", "")
        expected = None if app_key is None else _sha256(app_key)
        if SUBPROTOCOL not in ws.scope.get("subprotocols", []) or not _KEY_RE.match(key) or (
                expected is not None and key != expected):
            await ws.close()  # before the upgrade: refused as an HTTP error
            return
        await ws.accept(subprotocol=SUBPROTOCOL)
        streams.connections += 1
        session = _Session(ws, log, faults, streams, streams.connections, key)
        try:
            await session.run(auth, on_subscribe, on_document)
        except WebSocketDisconnect:
            pass
        finally:
            await session.end()

    return [WebSocketRoute("/subscriptions", endpoint)]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class _Session:
    def __init__(self, ws: WebSocket, log: OhipEventLog, faults: StreamFaults,
                 streams: _Streams, number: int, key: str) -> None:
        self._ws, self._log, self._faults, self._streams = ws, log, faults, streams
        self._number, self._key = number, key
        self._consumer: tuple[str, str] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()

    async def run(self, auth: Callable[[str], bool],
                  on_subscribe: Callable[[Mapping[str, str]], None] | None,
                  on_document: Callable[[str], None] | None = None) -> None:
        try:
            await self._initialise(auth)
            while True:
                message = await self._receive()
                kind = message.get("type")
                if kind == "ping":
                    await self._send({"type": "pong"})
                elif kind == "pong":
                    continue
                elif kind == "subscribe":
                    payload = message.get("payload")
                    query = payload.get("query") if isinstance(payload, dict) else None
                    if on_document is not None and isinstance(query, str):
                        on_document(query)
                    inputs = self._subscribe(message)
                    if on_subscribe is not None:
                        on_subscribe(inputs)
                elif kind == "complete":
                    # OHIP closes the socket itself after a complete.
                    raise _Close(1000, "subscription completed")
                elif kind == "connection_init":
                    raise _Close(4429, "Too many initialisation requests")
                else:
                    raise _Close(4400, f"unexpected message {kind!r}")
        except _Close as close:
            with contextlib.suppress(Exception):
                await self._ws.close(code=close.code, reason=close.reason)

    async def _initialise(self, auth: Callable[[str], bool]) -> None:
        try:
            async with asyncio.timeout(INIT_TIMEOUT):
                message = await self._receive()
        except TimeoutError:
            raise _Close(4408, "Connection initialisation timeout") from None
        if message.get("type") == "subscribe":
            raise _Close(4401, "Unauthorized")
        if message.get("type") != "connection_init":
            raise _Close(4400, "connection_init expected")
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        bearer = str(payload.get("Authorization") or payload.get("authorization") or "")
        token = bearer.removeprefix("Bearer ").strip()
        app_key = payload.get("x-app-key")
        if not token or not auth(token) or (
                isinstance(app_key, str) and _sha256(app_key) != self._key):
            raise _Close(4403, "Forbidden")
        await self._send({"type": "connection_ack"})

    def _subscribe(self, message: Mapping[str, Any]) -> dict[str, str]:
        sub_id = message.get("id")
        payload = message.get("payload")
        query = payload.get("query") if isinstance(payload, dict) else None
        match = _INPUT_RE.search(query) if isinstance(query, str) else None
        if not isinstance(sub_id, str) or match is None:
            raise _Close(4400, "Bad Request - Invalid GraphQL Subscription")
        inputs = {name: json.loads(value) if value.startswith('"') else value
                  for name, value in _FIELD_RE.findall(match.group("fields"))}
        chain = inputs.get("chainCode", "")
        if chain != self._log.chain_code:
            raise _Close(4400, "Bad Request - Invalid GraphQL Subscription: chainCode")
        consumer = (self._key, chain)
        holder = self._streams.holders.get(consumer)
        if (holder is not None and holder != self._number) or self._pump is not None:
            raise _Close(4409, f"Subscriber for {sub_id} already exists")
        self._streams.holders[consumer] = self._number
        self._consumer = consumer
        self._pump = asyncio.create_task(self._stream(sub_id, inputs))
        return inputs

    async def _stream(self, sub_id: str, inputs: Mapping[str, str]) -> None:
        assert self._consumer is not None
        try:
            position = self._start(inputs)
        except _Close as close:
            await self._send({"id": sub_id, "type": "error",
                              "payload": [{"message": close.reason}]})
            await self._ws.close(code=close.code, reason=close.reason)
            return
        delta = inputs.get("delta") == "true"
        hotels = {h.strip() for h in inputs.get("hotelCode", "").split(",") if h.strip()}
        carry = self._faults.take_drop()
        sent = 0
        while True:
            events = self._log.after(position)
            if not events:
                await self._log.wait_after(position)
                continue
            position = events[-1].offset
            for event in self._faults.shuffle(events):
                if hotels and event.hotel_id not in hotels:
                    continue
                if self._faults.happens(self._faults.late):
                    await asyncio.sleep(self._faults.late_seconds)
                await self._send({"id": sub_id, "type": "next",
                                  "payload": {"data": {"newEvent": _event(event, delta)}}})
                self._streams.positions[self._consumer] = event.offset
                sent += 1
                if carry is not None and sent >= carry:
                    await self._ws.close(code=1011, reason="stream dropped (fault)")
                    return

    def _start(self, inputs: Mapping[str, str]) -> int:
        """The offset the replay starts after."""
        assert self._consumer is not None
        if inputs.get("offsetType") == "highest":
            return max(0, self._log.last_offset - 1)
        if "offset" in inputs:
            wanted = int(inputs["offset"])
            if wanted < self._log.first_kept_offset:
                raise _Close(4400, f"offset {wanted} is no longer available")
            return wanted - 1
        return self._streams.positions.get(self._consumer, 0)

    async def _receive(self) -> dict[str, Any]:
        try:
            message = json.loads(await self._ws.receive_text())
        except ValueError:
            raise _Close(4400, "Invalid message") from None
        if not isinstance(message, dict):
            raise _Close(4400, "Invalid message")
        return message

    async def _send(self, message: Mapping[str, Any]) -> None:
        async with self._send_lock:
            await self._ws.send_text(json.dumps(message))

    async def end(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(BaseException):
                await self._pump
        if self._consumer and self._streams.holders.get(self._consumer) == self._number:
            del self._streams.holders[self._consumer]


def _event(event: BusinessEvent, delta: bool) -> dict[str, Any]:
    """One `EventHeader` as OHIP streams it."""
    details = [d for d in event.details if not delta or d.old_value != d.new_value]
    return {
        "metadata": {"offset": str(event.offset), "uniqueEventId": event.unique_event_id},
        "moduleName": event.module_name, "eventName": event.event_name,
        "primaryKey": event.primary_key, "timestamp": event.timestamp.isoformat(),
        "hotelId": event.hotel_id, "publisherId": None, "actionInstanceId": str(event.offset),
        "detail": [{"elementName": d.element_name, "oldValue": d.old_value or "",
                    "newValue": d.new_value or "", "scopeFrom": d.scope_from,
                    "scopeTo": d.scope_to, "elementSequence": None,
                    "elementType": d.element_type, "elementRole": d.element_role or None}
                   for d in details],
    }
