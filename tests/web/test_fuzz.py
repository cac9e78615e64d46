"""Whatever a PMS (or anyone holding the secret) sends, the webhook answers 2xx or 4xx, never
5xx, and a refused request leaves nothing behind. Bodies are signed correctly, so they get
past the signature check and reach the parser."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from connector.web.errors import CODES
from connector.web.examples import EVENT_EXAMPLES
from connector.web.parsing import EVENT_TYPES
from tests.web.pms import Hotel, open_hotel

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.text(st.characters(codec="utf-8", exclude_categories=())))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12,
)

# Values near the real vocabulary reach deeper into validation than random JSON does.
times = st.sampled_from([
    "2026-03-02T09:00:00+00:00", "2026-03-02T09:00:00", "2026-03-02", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00", "2026-02-30T00:00:00Z", "yesterday", "", 1773176400,
]) | st.datetimes().map(lambda d: d.isoformat() + "+01:00")
rooms = (st.sampled_from(["101", "205", " 101 ", "9999", "", "901", "x" * 17, 101, None])
         | st.text(max_size=5))
guests = st.lists(st.fixed_dictionaries({}, optional={
    "first_name": st.text(max_size=210) | json_scalars, "last_name": st.text(max_size=5),
    "vip": st.sampled_from(["VIP", "", 1]), "nickname": st.text(max_size=3),
}), max_size=22)
event_like = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from([*EVENT_TYPES, "chek_in", "", 5]),
    "id": st.text(min_size=0, max_size=130) | st.integers(),
    "occurred_at": times, "at": times, "until": times, "arrival": times,
    "room": rooms, "old_room": rooms, "reservation": st.text(max_size=70) | st.none(),
    "guests": guests, "on": json_scalars, "level": st.integers(-1, 5) | st.text(max_size=2),
    "days": st.integers(-2, 400), "share": json_scalars, "resync_id": st.text(max_size=4),
    "class_of_service": st.integers(-1, 4), "extra": json_values,
})


@st.composite
def near_valid(draw: st.DrawFn) -> dict[str, Any]:
    """A real example event, with its id made unique and up to two fields broken."""
    event = dict(EVENT_EXAMPLES[draw(st.sampled_from(EVENT_TYPES))])
    event["id"] = f"fuzz-{draw(st.integers(0, 10**9))}"
    for _ in range(draw(st.integers(0, 2))):
        field = draw(st.sampled_from([*event, "room", "room", "occurred_at", "occurred_at",
                                      "old_room", "until", "surprise"]))
        if draw(st.booleans()):
            event.pop(field, None)
        elif field in ("room", "old_room"):
            event[field] = draw(rooms)
        elif field in ("occurred_at", "at", "until", "arrival", "departure"):
            event[field] = draw(times)
        else:
            event[field] = draw(json_values)
    return event


documents = (
    json_values
    | event_like
    | near_valid()
    | st.builds(lambda event, room: {**event, "room": room}, near_valid(), rooms)
    | st.builds(lambda events: {"events": events}, st.lists(near_valid(), max_size=5))
    | st.builds(lambda events: {"events": events}, st.lists(event_like, max_size=6))
    | st.builds(lambda events, more: {"events": events, **more},
                json_values, st.dictionaries(st.text(max_size=6), json_values, max_size=2))
)
encodings = st.sampled_from(["compact"] * 4 + ["ascii", "bom", "latin-1", "truncated"])
content_types = st.sampled_from(["application/json"] * 8 + ["application/json; charset=utf-8",
                                 "Application/Json;charset=UTF8", "text/plain", "",
                                 "application/json; charset=latin-1", "application/json;;;"])


def encode(document: Any, how: str) -> bytes:
    text = json.dumps(document, ensure_ascii=(how == "ascii"))
    if how == "bom":
        return "\ufeff".encode() + text.encode("utf-8", "surrogatepass")
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    raw = text.encode("utf-8", "surrogatepass")
    return raw[: len(raw) // 2] if how == "truncated" else raw


class Probe:
    """One hotel for every example (opening one per example would be slow)."""

    def __init__(self, runner: asyncio.Runner, hotel: Hotel) -> None:
        self.runner = runner
        self.hotel = hotel

    def post(self, body: bytes, content_type: str) -> tuple[int, dict[str, Any], int, int]:
        before = self.hotel.stored()
        response = self.runner.run(self.hotel.send(body, headers={"Content-Type": content_type}))
        return response.status_code, response.json(), before, self.hotel.stored()


@pytest.fixture
def probe(tmp_path: Path) -> Any:
    with asyncio.Runner() as runner:
        opened = open_hotel(tmp_path)
        hotel = runner.run(opened.__aenter__())
        try:
            yield Probe(runner, hotel)
        finally:
            runner.run(opened.__aexit__(None, None, None))


def check(status: int, answer: dict[str, Any], before: int, after: int) -> None:
    event(f"{status} {answer.get('error', {}).get('code', 'accepted')}")
    assert status < 500, answer
    if status == 202:
        fresh = [e for e in answer.get("events", [answer]) if e["status"] == "stored"]
        assert after == before + len(fresh)
    else:
        assert 400 <= status < 500
        assert answer["error"]["code"] in CODES
        assert CODES[answer["error"]["code"]][0] == status
        assert answer["error"]["message"]
        assert after == before, "a refused request stored something"


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=documents, how=encodings, content_type=content_types)
def test_no_document_makes_the_webhook_fail_or_store_junk(
    probe: Probe, document: Any, how: str, content_type: str
) -> None:
    check(*probe.post(encode(document, how), content_type))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_no_bytes_make_the_webhook_fail_or_store_junk(probe: Probe, body: bytes) -> None:
    check(*probe.post(body, "application/json"))


header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(timestamp=st.none() | header_text | st.integers(0, 10**14).map(str),
       signature=st.none() | header_text | st.lists(header_text, max_size=10).map(", ".join))
def test_no_signing_headers_make_the_webhook_fail_or_let_a_forgery_in(
    probe: Probe, timestamp: str | None, signature: str | None
) -> None:
    headers = {"X-Connector-Timestamp": timestamp, "X-Connector-Signature": signature}
    body = json.dumps(dict(EVENT_EXAMPLES["dnd"], id="forged")).encode()
    sent = {"Content-Type": "application/json",
            **{name: value for name, value in headers.items() if value is not None}}
    before = probe.hotel.stored()

    response = probe.runner.run(probe.hotel.http.post("/v1/pms/events", content=body,
                                                      headers=sent))

    assert response.status_code == 401, response.text
    assert probe.hotel.stored() == before
