"""The emulated OHIP streaming API over a real WebSocket: graphql-transport-ws as OHIP
speaks it (hashed key, token in connection_init, 4401/4403/4409), replay from an offset,
events shaped as the published schema's EventHeader."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    build_client_schema,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from connector.pms.ohip import stream_protocol as wire
from connector.sandbox.ohip.event_log import Detail, OhipEventLog
from connector.sandbox.ohip.stream_faults import StreamFaults
from connector.sandbox.ohip.stream_server import stream_routes
from tests.ohip.ohip_support import APP_KEY, AT, TOKEN, check_in, event_log, gateway, valid

SCHEMA = Path(__file__).resolve().parents[1] / "pms_specs" / "ohip" / "StreamingGraphQLSchema.json"
KEY = wire.hashed_key(APP_KEY)


@pytest.fixture
async def ohip() -> AsyncIterator[tuple[OhipEventLog, StreamFaults, str]]:
    log, faults = event_log(), StreamFaults()
    async with gateway(stream_routes(log, auth=valid, faults=faults, app_key=APP_KEY)) as url:
        yield log, faults, "ws" + url.removeprefix("http") + "/subscriptions"


def event_header() -> GraphQLObjectType:
    introspection = json.loads(SCHEMA.read_text("utf-8"))
    introspection["__schema"]["mutationType"] = None  # named but not defined in the file
    header = build_client_schema(introspection).get_type("EventHeader")
    assert isinstance(header, GraphQLObjectType)
    return header


def conforms(value: Any, kind: GraphQLOutputType, where: str = "newEvent") -> list[str]:
    """What in `value` the schema's type does not allow (GraphQL's response rules)."""
    if isinstance(kind, GraphQLNonNull):
        return [f"{where} is null"] if value is None else conforms(value, kind.of_type, where)
    if value is None:
        return []
    if isinstance(kind, GraphQLList):
        if not isinstance(value, list):
            return [f"{where} is not a list"]
        return [p for i, v in enumerate(value) for p in conforms(v, kind.of_type, f"{where}[{i}]")]
    if isinstance(kind, GraphQLObjectType):
        if not isinstance(value, dict):
            return [f"{where} is not an object"]
        problems = [f"{where}.{k} is not in the schema" for k in value if k not in kind.fields]
        for name, field in kind.fields.items():
            problems += conforms(value.get(name), field.type, f"{where}.{name}")
        return problems
    assert isinstance(kind, GraphQLScalarType)
    expected = bool if kind.name == "Boolean" else str
    return [] if isinstance(value, expected) else [f"{where} is not a {kind.name}"]


async def opened(url: str, *, key: str = KEY, token: str = TOKEN) -> ClientConnection:
    ws = await connect(f"{url}?key={key}", subprotocols=[Subprotocol(wire.SUBPROTOCOL)])
    await ws.send(wire.connection_init(token, APP_KEY))
    return ws


async def subscribed(url: str, **inputs: Any) -> ClientConnection:
    ws = await opened(url)
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(wire.subscribe(wire.new_event_document("CHAIN", **inputs)))
    return ws


async def events(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    found = []
    while len(found) < count:
        message = json.loads(await ws.recv())
        assert message["type"] == "next", message
        found.append(message["payload"]["data"]["newEvent"])
    return found


async def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_a_replay_starts_at_the_offset_asked_for_shaped_as_the_schema(ohip: Any) -> None:
    log, _, url = ohip
    for n in range(3):
        check_in(log, f"100{n}", f"11{n}")
    ws = await subscribed(url, offset="2")
    replayed = await events(ws, 2)
    check_in(log, "1003", "113")
    (live,) = await events(ws, 1)
    await ws.close()

    assert [e["metadata"]["offset"] for e in [*replayed, live]] == ["2", "3", "4"]
    assert [e["primaryKey"] for e in replayed] == ["1001", "1002"]
    header = event_header()
    assert [p for e in [*replayed, live] for p in conforms(e, header)] == []


async def test_ping_is_answered_and_delta_keeps_only_changed_elements(ohip: Any) -> None:
    log, _, url = ohip
    log.append("RESERVATION", "UPDATE RESERVATION", "1001",
               [Detail("ROOMNO", "112", "114"), Detail("VIP", "V1", "V1")], at=AT)
    ws = await subscribed(url, offset="1", delta=True)
    (moved,) = await events(ws, 1)
    await ws.send(json.dumps({"type": "ping"}))
    pong = json.loads(await ws.recv())
    await ws.close()

    assert [d["elementName"] for d in moved["detail"]] == ["ROOMNO"]
    assert pong == {"type": "pong"}


async def test_a_forged_token_is_closed_4403_and_subscribing_first_4401(ohip: Any) -> None:
    _, _, url = ohip
    forged = await opened(url, token="forged")
    assert await close_code(forged) == 4403

    eager = await connect(f"{url}?key={KEY}", subprotocols=[Subprotocol(wire.SUBPROTOCOL)])
    await eager.send(wire.subscribe(wire.new_event_document("CHAIN")))
    assert await close_code(eager) == 4401


async def test_a_wrong_key_or_protocol_is_refused_at_the_upgrade(ohip: Any) -> None:
    _, _, url = ohip
    with pytest.raises(InvalidStatus):
        await opened(url, key=wire.hashed_key("another app"))
    with pytest.raises(InvalidStatus):
        await connect(f"{url}?key={KEY}", subprotocols=[Subprotocol("graphql-ws")])


async def test_a_second_consumer_is_closed_4409_and_the_first_keeps_the_stream(
        ohip: Any) -> None:
    log, _, url = ohip
    first = await subscribed(url, highest=True)
    second = await subscribed(url, highest=True)
    assert await close_code(second) == 4409
    check_in(log, "1001", "112")
    (event,) = await events(first, 1)
    assert event["primaryKey"] == "1001"
    await first.close()

    third = await subscribed(url)  # no offset: where this consumer's last connection stopped
    check_in(log, "1002", "114")
    (event,) = await events(third, 1)
    await third.close()
    assert event["primaryKey"] == "1002"


async def test_a_fault_drops_the_stream_after_some_events_and_an_old_offset_is_refused(
        ohip: Any) -> None:
    log, faults, url = ohip
    for n in range(5):
        check_in(log, f"100{n}", f"11{n}")
    faults.drop_after = 2
    dropped = await subscribed(url, offset="1")
    assert len(await events(dropped, 2)) == 2
    assert await close_code(dropped) == 1011

    log.forget_before(4)
    expired = await subscribed(url, offset="1")
    error = json.loads(await expired.recv())
    assert error["type"] == "error" and "offset 1 is no longer available" in json.dumps(error)
    assert await close_code(expired) == 4400


def test_the_schema_check_names_what_ohip_would_never_send() -> None:
    problems = conforms({"metadata": {"offset": 7}, "eventName": "CHECK IN", "room": "112"},
                        event_header())
    assert "newEvent.metadata.offset is not a String" in problems
    assert "newEvent.metadata.uniqueEventId is null" in problems
    assert "newEvent.room is not in the schema" in problems
    assert "newEvent.detail is null" in problems
