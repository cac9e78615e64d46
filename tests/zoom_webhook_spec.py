"""Zoom's published webhook spec as a test oracle for event bodies.

`tests/zoom_specs/zoom-phone-webhooks.json.gz` is OpenAPI 3.1: each event is a `webhooks`
entry whose request body schema is plain JSON Schema 2020-12, with `additionalProperties:
false` on Zoom's objects, so a misspelt or invented field fails as a missing one does.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from tests.zoom_spec import SpecViolation, read_spec

WEBHOOK_SPEC = "zoom-phone-webhooks.json"


@functools.cache
def _validator(event: str) -> Any:
    events = read_spec(WEBHOOK_SPEC)["webhooks"]
    if event not in events:
        raise SpecViolation(f"{event}: no such event in Zoom's webhook spec")
    schema = events[event]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator(schema)


def validate_webhook(body: bytes | dict[str, Any]) -> str:
    """Check one webhook request body against the spec of its `event`; return the event
    name, or raise SpecViolation listing every problem."""
    event_body = json.loads(body) if isinstance(body, bytes) else body
    event = event_body.get("event") if isinstance(event_body, dict) else None
    if not isinstance(event, str):
        raise SpecViolation(f"a webhook body names its event: {event_body!r}")
    errors = sorted(_validator(event).iter_errors(event_body), key=lambda e: list(e.path))
    if errors:
        raise SpecViolation(f"{event}:\n  " + "\n  ".join(
            f"body{str(e.json_path)[1:]}: {e.message}" for e in errors))
    return event
