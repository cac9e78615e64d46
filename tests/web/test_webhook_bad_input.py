"""Every kind of bad request gets a 4xx naming the field and the problem, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from connector.web import create_app
from tests.web.pms import JSON, Hotel, batch, check_in, dnd, encode


async def refused(hotel: Hotel, body: Any, status: int, code: str,
                  **headers: str) -> dict[str, Any]:
    """Send `body` signed; assert the refusal, that nothing was stored, and return the error."""
    before = hotel.stored()
    response = await hotel.send(body, headers=headers or None)
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    assert hotel.stored() == before
    return error


@pytest.mark.parametrize("body", [b"{", b'{"type": "dnd",}', b'{"id": 1} trailing',
                                  b'{"level": NaN}', b"\"\\ud800\"", b"[" * 5000])
async def test_malformed_json_is_refused_with_its_position(hotel: Hotel, body: bytes) -> None:
    error = await refused(hotel, body, 400, "malformed_json")
    assert "line 1 column" in error["message"]


async def test_an_empty_body_is_refused(hotel: Hotel) -> None:
    await refused(hotel, b"", 400, "malformed_json")


async def test_a_body_that_is_not_utf8_is_refused(hotel: Hotel) -> None:
    body = json.dumps(check_in("101", first="José"), ensure_ascii=False).encode()
    body = body.replace("é".encode(), b"\xe9")
    error = await refused(hotel, body, 400, "invalid_encoding")
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize("body", [[], [check_in()], "check_in", 5, None, True])
async def test_a_body_that_is_not_an_event_object_is_refused(hotel: Hotel, body: Any) -> None:
    error = await refused(hotel, body, 422, "invalid_body")
    assert "one event object" in error["message"]


async def test_an_unknown_event_type_is_named(hotel: Hotel) -> None:
    error = await refused(hotel, check_in() | {"type": "chek_in"}, 422, "unknown_event_type")
    assert error["field"] == "type"
    assert "'chek_in'" in error["message"] and "check_in" in error["message"]


async def test_an_event_without_a_type_is_refused(hotel: Hotel) -> None:
    event = check_in()
    del event["type"]
    error = await refused(hotel, event, 422, "missing_event_type")
    assert error["field"] == "type"


async def test_an_event_without_a_room_is_refused(hotel: Hotel) -> None:
    event = check_in()
    del event["room"]
    error = await refused(hotel, event, 422, "missing_field")
    assert error["field"] == "room"
    assert error["message"] == "room is required in a check_in event."


async def test_a_room_not_in_the_room_map_is_named(hotel: Hotel) -> None:
    error = await refused(hotel, check_in("9999"), 422, "unknown_room")
    assert error["field"] == "room"
    assert "'9999'" in error["message"] and "room map" in error["message"]


async def test_a_move_from_a_room_not_in_the_map_is_named(hotel: Hotel) -> None:
    move = check_in("101") | {"type": "guest_change", "old_room": "777"}
    error = await refused(hotel, move, 422, "unknown_room")
    assert error["field"] == "old_room"


async def test_a_misspelt_field_is_refused(hotel: Hotel) -> None:
    error = await refused(hotel, dnd() | {"untill": "2026-03-03T09:00:00Z"}, 422,
                          "unknown_field")
    assert error["field"] == "untill"
    assert "a typo?" in error["message"]


@pytest.mark.parametrize(("change", "field"), [
    ({"on": "maybe"}, "on"),
    ({"occurred_at": "2026-03-02T09:00:00"}, "occurred_at"),  # no zone
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"room": 101}, "room"),
])
async def test_a_field_of_the_wrong_shape_is_named(
    hotel: Hotel, change: dict[str, Any], field: str
) -> None:
    error = await refused(hotel, dnd() | change, 422, "invalid_field")
    assert error["field"] == field
    assert error["message"].startswith(f"{field}: ")


async def test_a_nested_field_is_named_by_its_path(hotel: Hotel) -> None:
    event = check_in() | {"guests": [{"first_name": "Ada"}, {"first_name": ["A", "B"]}]}
    error = await refused(hotel, batch(dnd(), event), 422, "invalid_field")
    assert error["field"] == "events[1].guests[1].first_name"


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-10:00",
                                  "1999-12-31T23:59:59Z"])
async def test_a_time_outside_the_plausible_years_is_refused(hotel: Hotel, when: str) -> None:
    error = await refused(hotel, dnd() | {"occurred_at": when}, 422, "time_out_of_range")
    assert error["field"] == "occurred_at"


async def test_an_empty_batch_is_refused(hotel: Hotel) -> None:
    error = await refused(hotel, batch(), 422, "empty_batch")
    assert error["field"] == "events"


async def test_a_batch_that_is_not_a_list_is_refused(hotel: Hotel) -> None:
    await refused(hotel, {"events": check_in()}, 422, "invalid_body")


async def test_a_batch_with_other_fields_is_refused(hotel: Hotel) -> None:
    error = await refused(hotel, batch(check_in()) | {"hotel": "HV"}, 422, "unknown_field")
    assert error["field"] == "hotel"


async def test_a_batch_over_the_limit_is_refused_and_says_the_limit(hotel: Hotel) -> None:
    events = [dnd("101") for _ in range(hotel.settings.webhook.max_batch_events + 1)]
    error = await refused(hotel, batch(*events), 413, "batch_too_large")
    assert error["limit_events"] == 500
    assert "split" in error["message"]


async def test_a_body_declared_too_large_is_refused_before_it_is_read(hotel: Hotel) -> None:
    limit = hotel.settings.webhook.max_body_bytes
    body = encode(check_in("101", first="A" * 200)) + b" " * limit
    error = await refused(hotel, body, 413, "body_too_large")
    assert error["limit_bytes"] == limit


async def test_a_streamed_body_is_counted_as_it_arrives(hotel: Hotel) -> None:
    limit = hotel.settings.webhook.max_body_bytes
    body = encode(check_in("101")) + b" " * limit

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    response = await hotel.http.post("/v1/pms/events", content=chunks(),
                                      headers={**JSON, **hotel.signed(body)})

    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert hotel.stored() == 0


async def test_a_nonsense_content_length_is_refused(hotel: Hotel) -> None:
    await refused(hotel, check_in(), 400, "invalid_content_length", **{"Content-Length": "12x"})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", ""])
async def test_a_body_that_is_not_json_by_its_content_type_is_refused(
    hotel: Hotel, content_type: str
) -> None:
    error = await refused(hotel, check_in(), 415, "unsupported_media_type",
                          **{"Content-Type": content_type})
    assert "application/json" in error["message"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "Application/JSON", 'application/json;charset="UTF-8"'])
async def test_json_content_types_in_their_usual_spellings_are_accepted(
    hotel: Hotel, content_type: str
) -> None:
    response = await hotel.send(check_in(), headers={"Content-Type": content_type})
    assert response.status_code == 202


async def test_when_the_store_refuses_writes_the_pms_is_told_to_retry(hotel: Hotel) -> None:
    conn = hotel.connector.store._conn
    assert conn is not None
    conn.execute("PRAGMA query_only = ON")  # the volume went read-only

    response = await hotel.send(check_in("101", event_id="opera-1"))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"
    assert response.headers["Retry-After"] == "5"
    conn.execute("PRAGMA query_only = OFF")
    assert hotel.stored() == 0
    retried = await hotel.send(check_in("101", event_id="opera-1"))
    assert retried.json()["status"] == "stored"


async def test_while_the_connector_is_not_open_the_pms_is_told_to_retry(hotel: Hotel) -> None:
    app = create_app(lambda: None, hotel.settings.webhook, clock=hotel.sandbox.clock,
                     registry=CollectorRegistry())
    body = encode(check_in())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://connector") as http:
        response = await http.post("/v1/pms/events", content=body,
                                   headers={**JSON, **hotel.signed(body)})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"
    assert "Retry-After" in response.headers


async def test_unknown_paths_and_methods_answer_in_the_same_error_shape(hotel: Hotel) -> None:
    missing = await hotel.http.get("/v1/pms/event")
    wrong_method = await hotel.http.put("/v1/pms/events", content=b"{}")

    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (
        405, "method_not_allowed")
    assert "POST" in wrong_method.headers["Allow"]

