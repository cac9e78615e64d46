"""The subscription the connector sends is one OHIP's published streaming schema accepts,
in each form it takes (from a stored offset, from the newest event)."""

from __future__ import annotations

import json

import pytest
from graphql import GraphQLSchema, parse, validate

from connector.pms.ohip import stream_protocol as wire
from tests.ohip_spec import streaming_schema


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return streaming_schema()


@pytest.mark.parametrize("document", [
    wire.new_event_document("CHAIN", hotel_code="HOTEL1", offset="1841"),
    wire.new_event_document("CHAIN", hotel_code="HOTEL1", highest=True),
    wire.new_event_document("CHAIN", offset="7", delta=True),
])
def test_the_subscription_is_valid_against_ohips_schema(schema: GraphQLSchema,
                                                         document: str) -> None:
    assert validate(schema, parse(document)) == []


def test_a_field_ohip_does_not_have_is_caught(schema: GraphQLSchema) -> None:
    document = wire.new_event_document("CHAIN", offset="7").replace("primaryKey", "roomNumber")
    assert validate(schema, parse(document)) != []


def test_the_subscribe_message_carries_the_document_and_the_key_is_hashed() -> None:
    message = json.loads(wire.subscribe(wire.new_event_document("CHAIN", offset="7")))
    assert message["type"] == "subscribe" and message["id"] == wire.SUBSCRIPTION_ID
    assert 'offset: "7"' in message["payload"]["query"]
    assert wire.hashed_key("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    init = json.loads(wire.connection_init("tok", "key"))
    assert init == {"type": "connection_init",
                    "payload": {"Authorization": "Bearer tok", "x-app-key": "key"}}
