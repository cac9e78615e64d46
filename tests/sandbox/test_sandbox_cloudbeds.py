"""`connector sandbox --pms cloudbeds`, as a newcomer runs it: the demo day at Cloudbeds' front
desk shows the room phones following Cloudbeds, and Cloudbeds receiving what the room phones
said, and the log names no guest."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connector.cli import sandbox_cmd
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer


async def test_the_cloudbeds_demo_day_prints_what_changed_both_ways(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="connector")
    verdict = await sandbox_cmd._run(
        SandboxServer(Sandbox(SandboxConfig())), tmp_path / "rooms.csv",
        tmp_path / "connector.sqlite3", check=True, doctor=True, demo=True, faults=[],
        web_port=0, sip_port=0, pms="cloudbeds")
    assert verdict == 0
    said = capsys.readouterr().out

    assert "export CONNECTOR_PMS__KIND=cloudbeds" in said
    # The doctor runs first, as for a newcomer: before the first start, no webhook is
    # subscribed yet, which is not a fault.
    assert "none subscribed yet" in said and "NOT READY" not in said
    assert "The connector subscribed 7 Cloudbeds webhooks" in said
    assert "brought in room 201: 'Kim Brown 2201'" in said
    assert "room 101: 'Room 2101' → 'Ana Lima 2101', may call: international" in said
    assert "room 102: '小明 王 2102' → 'Room 102 2102', may call: internal only" in said
    assert "room 103: '小明 王 2103' → 'Room 103 2103', may call: internal only" in said
    assert "Cloudbeds received postHousekeepingStatus: room 201 doNotDisturb=true" in said
    assert "Cloudbeds received postHousekeepingStatus: room 201 doNotDisturb=false" in said
    assert "(postCustomItem, referenceID zoomphone-" in said
    assert "Cloudbeds has no wake-up calls, so the result stays here" in said
    assert "Cloudbeds received postHousekeepingStatus: room 103 roomCondition=clean" in said
    assert any(r.name.startswith("connector.pms.cloud") for r in caplog.records)
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    for personal in ("Ana", "Lima", "小明", "Haddad", "Kim", "Brown", "442079460018"):
        assert personal not in logged
