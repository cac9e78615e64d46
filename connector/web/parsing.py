"""Raw JSON bytes → canonical events, or every problem named by field (pure, no I/O).

The body is one event object, or a batch `{"events": [...]}`. A batch is all-or-nothing, so
every event is checked before any is stored, and all problems found are reported at once
(an integrator fixes a batch in one round trip, not one error at a time).
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args

import pydantic_core
from pydantic import TypeAdapter, ValidationError

from connector.events.models import Event, GuestChange
from connector.web.errors import ApiError, FieldProblem
from connector.web.event_ids import ID_FIELDS, ID_RULE, is_safe_id, shown

_EVENT = TypeAdapter[Event](Event)
EVENT_TYPES: tuple[str, ...] = tuple(
    model.model_fields["type"].default for model in get_args(get_args(Event)[0])
)
# Dates a PMS can mean; outside them the store's UTC arithmetic could overflow (year 1 or
# 9999 with an offset), and a year like 0001 is a sender's bug (a default value) anyway.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
_ROOM_FIELDS = ("room", "old_room")
_CODE_OF_PYDANTIC_TYPE = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "union_tag_not_found": "missing_event_type",
    "union_tag_invalid": "unknown_event_type",
}


@dataclass(frozen=True)
class Parsed:
    """The events of one request, in order; `batch` says which shape the body had."""

    events: list[Event]
    batch: bool


def parse_body(body: bytes, *, rooms: Container[str], max_events: int) -> Parsed:
    """Decode, validate and check the rooms of every event; ApiError on the first stage that
    finds problems (the JSON, the shape, the fields, then the rooms)."""
    document = _decode(body)
    if isinstance(document, dict) and "events" in document:
        items = _batch_items(document, max_events)
        events = _validate([(f"events[{i}]", item) for i, item in enumerate(items)])
        batch = True
    elif isinstance(document, dict):
        events = _validate([("", document)])
        batch = False
    else:
        raise ApiError(
            "invalid_body",
            f"The body is a JSON {_kind(document)}; send one event object, or "
            '{"events": [...]} for a batch.',
        )
    prefixes = [f"events[{i}]" if batch else "" for i in range(len(events))]
    problems = [*_out_of_range_times(events, prefixes), *_unknown_rooms(events, prefixes, rooms)]
    if problems:
        raise ApiError.from_problems(problems)
    return Parsed(events, batch)


def _decode(body: bytes) -> Any:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            "invalid_encoding",
            f"The body is not valid UTF-8 (at byte {error.start}); JSON must be sent as UTF-8.",
        ) from None
    if not body.strip():
        raise ApiError("malformed_json", "The body is empty; send one event or a batch.")
    try:
        # pydantic's parser: refuses NaN, lone surrogates and absurd nesting, with positions.
        return pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as error:
        raise ApiError("malformed_json", f"The body is not valid JSON: {error}.") from None


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _batch_items(document: dict[str, Any], max_events: int) -> list[Any]:
    problems = [
        FieldProblem("unknown_field", _path("", key),
                     f"'{_shown(key)}' is not a field of a batch; a batch is "
                     '{"events": [...]} only.')
        for key in document if key != "events"
    ]
    if problems:
        raise ApiError.from_problems(problems)
    items = document["events"]
    if not isinstance(items, list):
        raise ApiError("invalid_body", f"'events' must be an array of events, not a "
                       f"{_kind(items) if not isinstance(items, dict) else 'object'}.",
                       "events")
    if not items:
        raise ApiError("empty_batch", "'events' is empty; send at least one event.", "events")
    if len(items) > max_events:
        raise ApiError(
            "batch_too_large",
            f"The batch has {len(items)} events; at most {max_events} are accepted per "
            "request: split it.",
            "events",
            extra={"limit_events": max_events},
        )
    return items


def _validate(items: Sequence[tuple[str, Any]]) -> list[Event]:
    events: list[Event] = []
    problems: list[FieldProblem] = []
    for prefix, item in items:
        bad_ids = list(_unsafe_ids(prefix, item))
        problems += bad_ids
        try:
            events.append(_EVENT.validate_python(item))
        except ValidationError as error:
            named = {p.field for p in bad_ids}
            problems += [p for p in _describe(prefix, item, error) if p.field not in named]
    if problems:
        raise ApiError.from_problems(problems)
    return events


def _unsafe_ids(prefix: str, item: Any) -> Iterator[FieldProblem]:
    """Ids that could not travel safely in a URL or a header (checked on the raw value,
    before any whitespace is trimmed)."""
    if not isinstance(item, dict):
        return
    for name in ID_FIELDS:
        value = item.get(name)
        if isinstance(value, str) and not is_safe_id(value):
            where = _path(prefix, name)
            yield FieldProblem(
                "invalid_event_id", where,
                f"{where}: '{shown(value)}' is not an id the connector accepts ({len(value)} "
                f"characters); an id is {ID_RULE}.",
            )


def _describe(prefix: str, item: Any, error: ValidationError) -> Iterator[FieldProblem]:
    tag = item.get("type") if isinstance(item, dict) else None
    for problem in error.errors(include_url=False, include_input=False):
        kind = problem["type"]
        loc = list(problem["loc"])
        # A discriminated union puts the event's tag first in the location: not a field.
        if loc and loc[0] == tag:
            loc = loc[1:]
        where = _path(prefix, *loc)
        code = _CODE_OF_PYDANTIC_TYPE.get(kind, "invalid_field")
        named = f"{where}: " if where else ""
        not_an_object = kind == "model_attributes_type" and not loc
        if kind == "union_tag_not_found":
            where = _path(prefix, "type")
            message = f"{where}: every event needs a 'type': one of {', '.join(EVENT_TYPES)}."
        elif kind == "union_tag_invalid":
            where = _path(prefix, "type")
            message = (f"{where}: '{_shown(tag)}' is not an event type; expected one of "
                       f"{', '.join(EVENT_TYPES)}.")
        elif not_an_object:
            code = "invalid_body"
            message = f"{where}: an event must be a JSON object, not a {_kind(item)}."
        elif kind == "missing":
            message = f"{where} is required in a {tag} event."
        elif kind == "extra_forbidden":
            message = f"{where} is not a field of a {tag} event (a typo?)."
        else:
            text = str(problem["msg"])
            message = f"{named}{text[:1].lower()}{text[1:]}."
        yield FieldProblem(code, where or None, message)


def _out_of_range_times(events: Sequence[Event], prefixes: Sequence[str],
                        ) -> Iterator[FieldProblem]:
    for event, prefix in zip(events, prefixes, strict=True):
        # The fields as stored (extra fields are forbidden): the model's own iterator is a
        # generator over a copy of the same, several times slower.
        for name, value in vars(event).items():
            if isinstance(value, date | datetime) and not (
                EARLIEST_YEAR <= value.year <= LATEST_YEAR
            ):
                where = _path(prefix, name)
                yield FieldProblem(
                    "time_out_of_range", where,
                    f"{where}: the year {value.year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}.",
                )


def _unknown_rooms(events: Sequence[Event], prefixes: Sequence[str],
                   rooms: Container[str]) -> Iterator[FieldProblem]:
    for event, prefix in zip(events, prefixes, strict=True):
        for name in _ROOM_FIELDS:
            room = vars(event).get(name)  # getattr of a missing field raises inside
            if room is None or room in rooms:
                continue
            if name == "old_room" and isinstance(event, GuestChange) and room == event.room:
                continue  # the same room twice is no move; the room itself is checked
            where = _path(prefix, name)
            yield FieldProblem(
                "unknown_room", where,
                f"Room '{room}' ({where}) is not in this connector's room map; correct the "
                "room number, or ask the hotel to add the room to its room map.",
            )


def _path(prefix: str, *loc: Any) -> str:
    """`events[2]` + ("guests", 0, "first_name") → `events[2].guests[0].first_name`."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{_shown(part)}" if path else _shown(part)
    return path


def _shown(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
