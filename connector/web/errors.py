"""Every refusal the web API can give, as one exception type rendered as one JSON shape:

    {"error": {"code": "unknown_room", "message": "...", "field": "events[2].room", ...}}

`CODES` is the vocabulary (status and meaning); docs/webhook.md lists each one, and a test
keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

# code → (HTTP status, what it means for the integrator)
CODES: dict[str, tuple[int, str]] = {
    "malformed_json": (400, "The body is not valid JSON (the message gives line and column)."),
    "invalid_encoding": (400, "The body is not UTF-8."),
    "invalid_content_length": (400, "The Content-Length header is not a number."),
    "request_incomplete": (400, "The connection closed before the whole body arrived."),
    "invalid_zoom_event": (400, "Zoom's door: the body is not a Zoom event the connector "
                                "can read (the message says which field)."),
    "timestamp_missing": (401, "No X-Connector-Timestamp header."),
    "timestamp_malformed": (401, "X-Connector-Timestamp is not whole Unix seconds."),
    "timestamp_expired": (401, "The timestamp is older than the tolerance window (replay?)."),
    "timestamp_in_future": (401, "The timestamp is ahead of the connector's clock by more "
                                 "than the tolerance window."),
    "signature_missing": (401, "No X-Connector-Signature header."),
    "signature_malformed": (401, "X-Connector-Signature is not `v1=<64 hex digits>`."),
    "signature_mismatch": (401, "No signature matches the body, timestamp and secret."),
    "event_not_found": (404, "No event with this id was ever received."),
    "not_found": (404, "No such path."),
    "method_not_allowed": (405, "The path exists but not with this method."),
    "body_too_large": (413, "The body is larger than CONNECTOR_WEBHOOK__MAX_BODY_BYTES."),
    "batch_too_large": (413, "The batch has more events than "
                             "CONNECTOR_WEBHOOK__MAX_BATCH_EVENTS; split it."),
    "unsupported_media_type": (415, "The Content-Type is not `application/json` (UTF-8)."),
    "invalid_body": (422, "The JSON is not one event object nor `{\"events\": [...]}`."),
    "empty_batch": (422, "`events` is an empty list."),
    "missing_event_type": (422, "An event has no `type`."),
    "unknown_event_type": (422, "An event's `type` is not in the vocabulary."),
    "missing_field": (422, "A required field is absent."),
    "unknown_field": (422, "A field the event type does not have (a typo?)."),
    "invalid_event_id": (422, "An `id` (or `resync_id`) is not 1-128 characters of A-Z a-z "
                              "0-9 . _ : -"),
    "invalid_field": (422, "A field has the wrong type or an out-of-range value."),
    "time_out_of_range": (422, "A date or time is outside the years 2000-2099."),
    "unknown_room": (422, "A room that is not in this connector's room map."),
    "webhook_not_configured": (503, "The hotel has not set CONNECTOR_WEBHOOK__SECRET."),
    "zoom_webhook_not_configured": (503, "Zoom's door: the hotel has not set "
                                         "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN."),
    "not_ready": (503, "The connector is starting or stopping; retry after Retry-After."),
    "store_unavailable": (503, "The connector could not write its database; nothing was "
                               "stored; retry after Retry-After."),
    "internal_error": (500, "A fault in the connector (logged); nothing was acknowledged."),
}

# Field problems listed in one answer; the rest are counted, not listed.
MAX_DETAILS = 20


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of the body."""

    code: str
    field: str | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": self.message}


class ApiError(Exception):
    """A refusal: the status comes from `CODES`; `extra` adds fields to the error object."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        problems: Sequence[FieldProblem] = (),
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown API error code {code!r}")
        self.code = code
        self.message = message
        self.field = field
        self.problems = tuple(problems)
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})
        super().__init__(message)

    @property
    def status(self) -> int:
        return CODES[self.code][0]

    @classmethod
    def from_problems(cls, problems: Sequence[FieldProblem], **kwargs: Any) -> ApiError:
        """The first problem leads; all of them (up to MAX_DETAILS) are listed."""
        first = problems[0]
        extra: dict[str, Any] = {"details": [p.as_json() for p in problems[:MAX_DETAILS]]}
        if len(problems) > MAX_DETAILS:
            extra["more_details"] = len(problems) - MAX_DETAILS
        return cls(first.code, first.message, first.field, problems, extra=extra, **kwargs)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        error.update(self.extra)
        return {"error": error}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)
