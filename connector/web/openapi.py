"""The served OpenAPI schema: the event vocabulary, the signing headers, copyable examples.

The routes read their requests themselves (the signature covers the raw bytes), so the
request schema is written here from the same pydantic models that validate the events, and
their definitions are added to the components. FastAPI writes the rest from each
`Operation`, imported only when the schema is first asked for (`OpenApiDocument`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector.events.models import Event
from connector.web.errors import CODES
from connector.web.event_ids import ID_FIELDS, ID_PATTERN, ID_RULE
from connector.web.examples import BATCH_EXAMPLE, EVENT_EXAMPLES
from connector.web.operation import Operation
from connector.web.schemas import BatchAccepted, ErrorBody, EventAccepted, EventStatusOut
from connector.web.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

_REF = "#/components/schemas/{model}"

DESCRIPTION = f"""\
The door a hotel's PMS sends events through. Every request is signed:

    {TIMESTAMP_HEADER}: <Unix time in seconds>
    {SIGNATURE_HEADER}: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>

An event is acknowledged (202) only once it is on disk; Zoom is updated afterwards. Send an
event again with the same `id` and it is acknowledged as a duplicate, never applied twice.
Errors are `{{"error": {{"code": ..., "message": ..., "field": ...}}}}`. The signing scheme, a
worked example and every error code are in docs/webhook.md.
"""

_SIGNATURE_PARAMETERS = [
    {
        "name": TIMESTAMP_HEADER, "in": "header", "required": True,
        "description": "When the request was signed, in Unix seconds; requests further than "
                       "CONNECTOR_WEBHOOK__TOLERANCE_SECONDS from the connector's clock are "
                       "refused.",
        "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"},
        "example": "1773133200",
    },
    {
        "name": SIGNATURE_HEADER, "in": "header", "required": True,
        "description": "`v1=<hex HMAC-SHA256 of \"v1:<timestamp>:<raw body>\">`; during a "
                       "secret rotation, several comma-separated signatures.",
        "schema": {"type": "string"},
    },
]


def _errors(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The documented error responses for `codes`, grouped by status."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(CODES[code][0], []).append(code)
    return {
        status: {"model": ErrorBody,
                 "description": "; ".join(f"`{c}`: {CODES[c][1]}" for c in grouped)}
        for status, grouped in by_status.items()
    }


_AUTH_ERRORS = ("timestamp_missing", "timestamp_malformed", "timestamp_expired",
                "timestamp_in_future", "signature_missing", "signature_malformed",
                "signature_mismatch")

WEBHOOK_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Stored (or a duplicate of an event stored before). One event sent: "
                       "one answer; a batch sent: `{\"events\": [answers...]}` in order.",
        "content": {"application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/EventAccepted"},
            {"$ref": "#/components/schemas/BatchAccepted"},
        ]}}},
    },
    **_errors(
        "malformed_json", "invalid_encoding", "invalid_content_length", "request_incomplete",
        *_AUTH_ERRORS, "body_too_large", "batch_too_large", "unsupported_media_type",
        "invalid_body", "empty_batch", "missing_event_type", "unknown_event_type",
        "missing_field", "unknown_field", "invalid_event_id", "invalid_field",
        "time_out_of_range", "unknown_room",
        "webhook_not_configured", "not_ready", "store_unavailable",
    ),
}

STATUS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": EventStatusOut, "description": "The event's state."},
    **_errors(*_AUTH_ERRORS, "body_too_large", "event_not_found", "webhook_not_configured",
              "not_ready", "store_unavailable"),
}


def webhook_request_body(max_batch_events: int) -> dict[str, Any]:
    """The operation's extra: the signing headers, and the body with examples."""
    examples: dict[str, Any] = {
        name: {"summary": name.replace("_", " "), "value": value}
        for name, value in EVENT_EXAMPLES.items()
    }
    examples["batch"] = {
        "summary": f"a batch (all-or-nothing, at most {max_batch_events} events)",
        "value": BATCH_EXAMPLE,
    }
    return {
        "parameters": _SIGNATURE_PARAMETERS,
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"oneOf": [{"$ref": "#/components/schemas/Event"},
                                     {"$ref": "#/components/schemas/EventBatch"}]},
                "examples": examples,
            }},
        },
    }


EVENT_ID_IN_PATH = ("The event's id, URL-encoded (ids the connector made itself, e.g. from "
                    "FIAS or Zoom, may hold characters such as '+', '%' or '/').")


def status_parameters() -> dict[str, Any]:
    """The event's id in the path, then the signing headers."""
    event_id = {"name": "event_id", "in": "path", "required": True,
                "description": EVENT_ID_IN_PATH,
                "schema": {"type": "string", "title": "Event Id",
                           "description": EVENT_ID_IN_PATH}}
    return {"parameters": [event_id, *_SIGNATURE_PARAMETERS]}


def _restrict_ids(components: dict[str, Any]) -> None:
    """The webhook accepts only ids that travel safely in a URL and a header; the shared
    event models do not say so (the connector's own ids are freer), so the schema does."""
    for model in components.values():
        for name in ID_FIELDS:
            field = model.get("properties", {}).get(name)
            if field is not None and field.get("type") == "string":
                field["pattern"] = ID_PATTERN
                field["description"] = (f"{field.get('description', '')} An id is "
                                        f"{ID_RULE}.").strip()


def event_schemas(max_batch_events: int) -> dict[str, Any]:
    """`Event` (the discriminated union), `EventBatch` and every model they use."""
    schema = TypeAdapter[Event](Event).json_schema(ref_template=_REF)
    components: dict[str, Any] = schema.pop("$defs", {})
    components["Event"] = schema
    _restrict_ids(components)
    components["EventBatch"] = {
        "type": "object",
        "title": "EventBatch",
        "description": "Several events, stored all-or-nothing and applied in order.",
        "properties": {"events": {
            "type": "array", "items": {"$ref": "#/components/schemas/Event"},
            "minItems": 1, "maxItems": max_batch_events,
        }},
        "required": ["events"],
        "additionalProperties": False,
    }
    for model in (EventAccepted, BatchAccepted):
        model_schema = model.model_json_schema(ref_template=_REF)
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
    return components


OPENAPI_PATH = "/openapi.json"


class OpenApiDocument:
    """The API's OpenAPI document, written on first use and kept."""

    def __init__(self, operations: Sequence[Operation], *, title: str, version: str,
                 description: str, max_batch_events: int) -> None:
        self.title = title
        self._operations = list(operations)
        self._version = version
        self._description = description
        self._max_batch_events = max_batch_events
        self._schema: dict[str, Any] | None = None

    def schema(self) -> dict[str, Any]:
        if self._schema is None:
            self._schema = self._write()
        return self._schema

    def _write(self) -> dict[str, Any]:
        # FastAPI writes OpenAPI well, and weighs about 6 MB: loaded for the document only.
        from fastapi.openapi.utils import get_openapi
        from fastapi.routing import APIRoute

        routes = [
            APIRoute(op.path, op.endpoint, methods=[op.method], summary=op.summary,
                     tags=[op.tag], status_code=op.status_code,
                     response_model=op.response_model, responses=dict(op.responses),
                     openapi_extra=op.openapi_extra,
                     response_class=JSONResponse if op.answers_json else Response)
            for op in self._operations]
        schema = get_openapi(title=self.title, version=self._version,
                             description=self._description, routes=routes)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(event_schemas(self._max_batch_events))
        return schema

    async def endpoint(self, request: Request) -> Response:
        """`GET /openapi.json`."""
        return JSONResponse(self.schema())
