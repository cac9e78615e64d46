"""Bytes to events with no server around: the shapes a body may take and how problems read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connector.events.models import CheckIn, Dnd
from connector.web.errors import MAX_DETAILS, ApiError
from connector.web.parsing import parse_body
from tests.web.pms import check_in, dnd

ROOMS = {"101", "102"}


def parse(body: Any, max_events: int = 10) -> list[Any]:
    return parse_body(json.dumps(body).encode(), rooms=ROOMS, max_events=max_events).events


def refusal(body: Any, max_events: int = 10) -> ApiError:
    with pytest.raises(ApiError) as refused:
        parse(body, max_events)
    return refused.value


def test_one_event_and_a_batch_come_out_as_events_in_order() -> None:
    single = parse_body(json.dumps(check_in("101")).encode(), rooms=ROOMS, max_events=1)
    several = parse_body(json.dumps({"events": [dnd("102"), check_in("101")]}).encode(),
                         rooms=ROOMS, max_events=2)

    assert (single.batch, [type(e) for e in single.events]) == (False, [CheckIn])
    assert (several.batch, [type(e) for e in several.events]) == (True, [Dnd, CheckIn])


def test_room_numbers_are_matched_after_trimming_spaces() -> None:
    (event,) = parse(check_in(" 101 "))
    assert event.room == "101"


def test_a_batch_item_that_is_not_an_object_is_named() -> None:
    error = refusal({"events": [dnd("101"), 5]})
    assert (error.code, error.field) == ("invalid_body", "events[1]")
    assert error.message == "events[1]: an event must be a JSON object, not a number."


def test_a_guest_that_is_not_an_object_is_an_invalid_field() -> None:
    error = refusal(check_in("101") | {"guests": [5]})
    assert (error.code, error.field) == ("invalid_field", "guests[0]")


def test_a_long_list_of_problems_is_cut_and_counted() -> None:
    error = refusal({"events": [dnd("555") for _ in range(MAX_DETAILS + 5)]},
                    max_events=100)
    assert len(error.extra["details"]) == MAX_DETAILS
    assert error.extra["more_details"] == 5


def test_the_batch_size_is_checked_before_any_event_is_looked_at() -> None:
    error = refusal({"events": [5, 6, 7]}, max_events=2)
    assert (error.code, error.status, error.extra["limit_events"]) == ("batch_too_large", 413, 2)


def test_a_move_within_one_room_checks_the_room_once() -> None:
    move = check_in("101") | {"type": "guest_change", "old_room": "101"}
    (event,) = parse(move)
    assert event.old_room == "101"
