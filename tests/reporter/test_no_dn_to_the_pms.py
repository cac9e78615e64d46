"""Oracle's FIAS spec: DN cannot be sent to the PMS. DND from the phone goes as guest service
status (RE RS 8/10); nothing in the connector may build a DN field."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import connector
from connector.pms.fias import outbound
from connector.pms.reports import (
    fias_record,
    guest_service_payload,
    maid_status_payload,
    posting_payload,
    wakeup_answer_payload,
    wakeup_time_payload,
)
from connector.store import REPORT_KINDS, Report
from tests.fias.conftest import HOTEL

SOURCE = Path(connector.__file__).resolve().parent
AT = datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL)
PAYLOADS: dict[str, dict[str, object]] = {
    "wakeup_answer": wakeup_answer_payload("0330", AT, "OK", HOTEL),
    "wakeup_set": wakeup_time_payload("0330", AT, HOTEL),
    "wakeup_clear": wakeup_time_payload("0330", AT, HOTEL),
    "maid_status": maid_status_payload("0330", 4),
    "guest_service": guest_service_payload("0330", 8),
    "posting": posting_payload("0330", amount_minor=250, dialled="0039", duration_seconds=5,
                               at=AT, posting_type="C", tz=HOTEL),
}


def _fields_built(tree: ast.AST) -> set[str]:
    """Two-letter field names written as `("XX", value)` pairs, the way records are built."""
    return {
        node.elts[0].value for node in ast.walk(tree)
        if isinstance(node, ast.Tuple) and len(node.elts) == 2
        and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)
    }


def test_no_module_of_the_connector_builds_a_dn_field() -> None:
    # The sandbox plays the PMS, which may send DN to us; the connector itself never does.
    builders = [path.relative_to(SOURCE) for path in SOURCE.rglob("*.py")
                if "sandbox" not in path.parts
                and "DN" in _fields_built(ast.parse(path.read_text()))]
    assert builders == []
    assert not hasattr(outbound, "room_dnd")


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_no_report_kind_reaches_a_fias_pms_with_dn(kind: str) -> None:
    now = datetime(2026, 3, 10, 5, 42, tzinfo=UTC)
    report = Report(id=1, channel="fias", kind=kind,  # type: ignore[arg-type]
                    room="0330", payload=PAYLOADS[kind], created_at=now, state="pending",
                    attempts=0, next_attempt_at=now, sent_at=None, last_error=None,
                    p_number=1 if kind == "posting" else None, answer=None)

    record = fias_record(report, HOTEL)

    assert record.get("DN") is None
