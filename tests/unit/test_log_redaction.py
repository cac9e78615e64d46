"""What a log collector receives: secrets masked at any depth, in both formats, while the
common fields (ids, rooms, counts) take the short way through the formatter unchanged."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from connector.logs import REDACTED, JsonFormatter, TextFormatter

TOKEN = "eyJ-a-zoom-access-token"
PASSWORD = "sip-Pa55word-for-room-1204"


def _record(**fields: Any) -> logging.LogRecord:
    record = logging.LogRecord("connector.events", logging.INFO, __file__, 1,
                               "PMS %s from %s", ("dnd", "webhook"), None)
    for key, value in fields.items():
        setattr(record, key, value)
    return record


def test_an_event_line_keeps_its_ids_and_rooms_as_they_were() -> None:
    record = _record(event_id="ev-1", rooms=["102", "104"], types=("dnd",), count=2,
                     reservation=None, moved=False)

    line = json.loads(JsonFormatter().format(record))

    assert {k: line[k] for k in ("msg", "event_id", "rooms", "types", "count", "reservation",
                                 "moved")} == {
        "msg": "PMS dnd from webhook", "event_id": "ev-1", "rooms": ["102", "104"],
        "types": ["dnd"], "count": 2, "reservation": None, "moved": False}


@pytest.mark.parametrize("fields", [
    {"access_token": TOKEN},
    {"response": {"access_token": TOKEN, "expires_in": 3600}},
    {"devices": [{"id": "d1204", "password": PASSWORD}]},
    {"devices": ("d1204", {"sip": [{"Password": PASSWORD}]})},
    {"headers": {"Authorization": f"Bearer {TOKEN}"}},
])
def test_a_secret_is_masked_however_deep_it_sits(fields: dict[str, Any]) -> None:
    record = _record(event_id="ev-1", **fields)

    written = JsonFormatter().format(record) + "\n" + TextFormatter().format(record)

    assert TOKEN not in written and PASSWORD not in written
    assert REDACTED in written
    assert "ev-1" in written


@pytest.mark.parametrize("created", [
    0.0, 1_780_000_000.0, 1_780_000_000.0005, 1_780_000_000.9994999,
    1_780_000_000.9999996, 1_780_000_059.999, 1_780_012_345.6789,
])
def test_the_time_of_a_line_is_what_datetime_writes(created: float) -> None:
    record = _record()
    record.created = created

    line = json.loads(JsonFormatter().format(record))

    assert line["ts"] == datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def test_a_line_of_a_shape_seen_before_is_masked_and_filled_in_as_the_first() -> None:
    # The formatter remembers which fields a shape of line has: the values are still each
    # line's own, and a secret-named field is masked every time.
    first, second = (_record(event_id=f"ev-{n}", token=f"{TOKEN}-{n}", rooms=[str(n)])
                     for n in (1, 2))

    lines = [json.loads(JsonFormatter().format(record)) for record in (first, second)]

    assert [(line["event_id"], line["token"], line["rooms"]) for line in lines] == [
        ("ev-1", REDACTED, ["1"]), ("ev-2", REDACTED, ["2"])]
