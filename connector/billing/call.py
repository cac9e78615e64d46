"""One outside call as Zoom reports it, from either of its two doors (pure parsing, no I/O).

Zoom tells of a finished call twice: the `phone.caller_call_history_completed` webhook
(rows in `payload.object.call_logs`) and the Heavy `GET /phone/call_history` listing (rows
in `call_logs`). The two rows differ: only the listing has `duration` and `international`,
only the webhook has `talk_time`, and the result is `result` in one and `call_result` in the
other. Both become one `ZoomCall`, keyed by Zoom's `call_id`, so a call seen by both doors
is one call. Only what call accounting uses is read; names and e-mails are never kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

CallSource = Literal["webhook", "poll"]

# Zoom's results for a call the far end took (the rest: not connected, nothing to charge).
CONNECTED_RESULTS = frozenset({"answered", "accepted", "picked_up", "connected", "succeeded"})


class CallRowInvalid(ValueError):
    """A call-history row the connector cannot read; the message names the field."""


@dataclass(frozen=True)
class ZoomCall:
    """A finished call. `dialled` is the far end's number as Zoom gives it (E.164 for an
    outside number); `talk_seconds` is the connected time (0 when not connected)."""

    call_id: str
    direction: Literal["inbound", "outbound"]
    connect_type: Literal["internal", "external"]
    emergency: bool
    result: str
    caller_extension: str | None
    caller_extension_type: str | None
    dialled: str
    callee_country: str | None
    start_time: datetime
    answer_time: datetime | None
    end_time: datetime | None
    talk_seconds: int

    @property
    def connected(self) -> bool:
        return self.result in CONNECTED_RESULTS and self.talk_seconds > 0

    @property
    def outbound_external(self) -> bool:
        """A call a room might be charged for: placed from an extension to an outside number
        (emergency calls included: they are kept, rated free, never blocked)."""
        return self.direction == "outbound" and self.connect_type == "external"


def from_webhook_row(row: Mapping[str, Any]) -> ZoomCall:
    """A row of `phone.caller_call_history_completed`'s `payload.object.call_logs`."""
    return _call(row, result_field="result", seconds=_webhook_seconds(row))


def from_history_row(row: Mapping[str, Any]) -> ZoomCall:
    """A row of `GET /phone/call_history`'s `call_logs`."""
    duration = row.get("duration")
    seconds = _whole_seconds(duration, "duration") if duration is not None else None
    return _call(row, result_field="call_result", seconds=seconds)


def _call(row: Mapping[str, Any], *, result_field: str, seconds: int | None) -> ZoomCall:
    call_id = _text(row, "call_id", required=True)
    assert call_id is not None
    start = _time(row, "start_time")
    if start is None:
        raise CallRowInvalid(f"call {call_id}: `start_time` is missing")
    answer, end = _time(row, "answer_time"), _time(row, "end_time")
    result = (_text(row, result_field) or "").lower()
    if seconds is None:
        seconds = _span(answer, end)
    if result not in CONNECTED_RESULTS or answer is None:
        seconds = 0
    direction: Literal["inbound", "outbound"]
    match _text(row, "direction"):
        case "inbound" | "outbound" as direction:
            pass
        case _:
            raise CallRowInvalid(f"call {call_id}: `direction` must be inbound or outbound")
    connect_type: Literal["internal", "external"]
    match _text(row, "connect_type") or "external":
        case "internal" | "external" as connect_type:
            pass
        case _:
            raise CallRowInvalid(
                f"call {call_id}: `connect_type` must be internal or external")
    dialled = _text(row, "callee_did_number") or _text(row, "callee_ext_number") or ""
    return ZoomCall(
        call_id=call_id,
        direction=direction,
        connect_type=connect_type,
        emergency=_text(row, "call_type") == "emergency",
        result=result,
        caller_extension=_text(row, "caller_ext_number"),
        caller_extension_type=_text(row, "caller_ext_type"),
        dialled=dialled,
        callee_country=_text(row, "callee_country_iso_code"),
        start_time=start,
        answer_time=answer,
        end_time=end,
        talk_seconds=seconds,
    )


def _webhook_seconds(row: Mapping[str, Any]) -> int | None:
    talk = row.get("talk_time")
    return None if talk is None else _whole_seconds(talk, "talk_time")


def _span(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None or end <= start:
        return 0
    return int((end - start).total_seconds())


def _whole_seconds(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CallRowInvalid(f"`{name}` must be a whole number of seconds, not {value!r}")
    return value


def _text(row: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = row.get(name)
    if value is None or value == "":
        if required:
            raise CallRowInvalid(f"`{name}` is missing")
        return None
    if not isinstance(value, str) or len(value) > 128:
        raise CallRowInvalid(f"`{name}` must be a short string")
    return value.strip()


def _time(row: Mapping[str, Any], name: str) -> datetime | None:
    """Zoom's times are ISO 8601 with `Z` or an offset; one without a zone is taken as UTC
    (Zoom's call history is in UTC unless a `timezone` is asked for, which we never do)."""
    text = _text(row, name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CallRowInvalid(f"`{name}` is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class CallSink(Protocol):
    """Where both doors hand a call: the idempotent intake keyed by `call_id`. Returns what
    it made of the call, in a word for metrics and logs ("new", "duplicate", "updated",
    "ignored")."""

    def take(self, call: ZoomCall, source: CallSource) -> str: ...
