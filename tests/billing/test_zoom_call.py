"""A finished call reads the same from Zoom's webhook and from its call-history listing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connector.billing.call import CallRowInvalid, from_history_row, from_webhook_row


def _webhook_row(**extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "hist-1", "call_path_id": "path-1", "call_id": "7214000000000000001",
        "connect_type": "external", "call_type": "general", "direction": "outbound",
        "caller_ext_number": "1205", "caller_ext_type": "common_area",
        "caller_name": "Room 1205", "callee_did_number": "+442071838750",
        "callee_country_iso_code": "GB", "result": "answered",
        "start_time": "2026-12-07T20:00:00Z", "answer_time": "2026-12-07T20:00:09Z",
        "end_time": "2026-12-07T20:03:14Z", "talk_time": 185,
    }
    row.update(extra)
    return row


def _history_row(**extra: Any) -> dict[str, Any]:
    row = _webhook_row()
    del row["result"], row["talk_time"]
    row.update({"call_result": "answered", "duration": 185, "international": True})
    row.update(extra)
    return row


def test_both_doors_give_the_same_call() -> None:
    assert from_webhook_row(_webhook_row()) == from_history_row(_history_row())


def test_a_connected_outside_call_reads_whole() -> None:
    call = from_webhook_row(_webhook_row())
    assert call.call_id == "7214000000000000001"
    assert call.caller_extension == "1205"
    assert call.dialled == "+442071838750"
    assert call.start_time == datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    assert call.talk_seconds == 185
    assert call.connected and call.outbound_external and not call.emergency


def test_talk_time_missing_is_taken_from_answer_to_end() -> None:
    row = _webhook_row()
    del row["talk_time"]
    assert from_webhook_row(row).talk_seconds == 185


def test_an_unanswered_call_has_no_talk_time() -> None:
    call = from_webhook_row(_webhook_row(result="no_answer", answer_time=None, talk_time=0))
    assert call.talk_seconds == 0 and not call.connected


def test_times_with_an_offset_are_kept_in_utc() -> None:
    call = from_history_row(_history_row(start_time="2026-12-07T21:00:00+01:00"))
    assert call.start_time == datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("call_id", None, "`call_id` is missing"),
    ("start_time", "yesterday", "not an ISO 8601 time"),
    ("direction", "sideways", "inbound or outbound"),
    ("duration", -3, "whole number of seconds"),
])
def test_a_row_that_cannot_be_read_says_which_field(field: str, value: object,
                                                    words: str) -> None:
    with pytest.raises(CallRowInvalid, match=words):
        from_history_row(_history_row(**{field: value}))
