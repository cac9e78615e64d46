"""docs/reporter.md shows the JSON a webhook PMS receives: it must be what the code sends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connector.pms.reports import (
    callback_body,
    guest_service_payload,
    maid_status_payload,
    posting_payload,
    wakeup_answer_payload,
    wakeup_time_payload,
)
from connector.store import Report
from tests.fias.conftest import HOTEL

DOC = Path(__file__).resolve().parents[2] / "docs" / "reporter.md"
AT = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL)


def _documented() -> dict[str, dict[str, Any]]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S)
    examples = [json.loads(line) for block in blocks for line in block.splitlines() if line]
    return {example["type"]: example for example in examples}


def _sent(kind: Any, payload: dict[str, object], p_number: int | None = None) -> dict[str, Any]:
    now = datetime(2026, 3, 10, 5, 42, tzinfo=UTC)
    report = Report(id=17, channel="webhook", kind=kind, room="0330", payload=payload,
                    created_at=now, state="pending", attempts=0, next_attempt_at=now,
                    sent_at=None, last_error=None, p_number=p_number, answer=None)
    body: dict[str, Any] = json.loads(callback_body(report, "3f9c02ab-17"))
    return body


@pytest.mark.parametrize("kind", ["wakeup_answer", "wakeup_set", "wakeup_clear",
                                  "maid_status", "guest_service", "posting"])
def test_the_documented_json_has_exactly_the_fields_sent(kind: str) -> None:
    payloads = {
        "wakeup_answer": (wakeup_answer_payload("0330", AT, "NR", HOTEL), None),
        "wakeup_set": (wakeup_time_payload("0330", AT, HOTEL), None),
        "wakeup_clear": (wakeup_time_payload("0330", AT, HOTEL), None),
        "maid_status": (maid_status_payload("0330", 3), None),
        "guest_service": (guest_service_payload("0330", 8), None),
        "posting": (posting_payload("0330", amount_minor=250, dialled="0039", duration_seconds=5,
                                    at=AT, posting_type="C", tz=HOTEL,
                                    class_name="international/IT"), 17),
    }
    payload, p_number = payloads[kind]
    sent = _sent(kind, payload, p_number)
    documented = _documented()[kind]

    assert set(documented) == set(sent)
    assert {k: type(v) for k, v in documented.items()} == {k: type(v) for k, v in sent.items()}


@pytest.mark.parametrize(("status", "name"), [(8, "dnd_on"), (9, "make_up_room"),
                                              (10, "all_off")])
def test_a_webhook_pms_hears_the_guest_service_status_by_number_and_name(
    status: int, name: str,
) -> None:
    sent = _sent("guest_service", guest_service_payload("0330", status))

    assert {k: sent[k] for k in ("type", "room", "status", "status_name")} == {
        "type": "guest_service", "room": "0330", "status": status, "status_name": name}
