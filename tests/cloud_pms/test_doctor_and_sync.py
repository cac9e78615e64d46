"""`connector doctor` and `connector sync --pms` for a hotel on a cloud PMS."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from connector.cli import main
from connector.doctor.cloud_check import check_cloud_pms
from connector.doctor.report import DoctorReport, Status
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from connector.sandbox import Sandbox, SandboxConfig
from connector.store import Store
from tests.cloud_pms.fake_pms import FakePms, notice
from tests.cloud_pms.test_serve import OHIP
from tests.scenarios.hotel import scenario_settings
from tests.support.fake_clock import FakeClock


async def test_the_doctor_says_what_the_pms_lacks_and_how_the_inbox_stands(
        tmp_path: Path) -> None:
    settings = scenario_settings(Sandbox(SandboxConfig()), tmp_path, **OHIP)
    clock = FakeClock()
    with Store(settings.store.path, clock=clock) as store:
        store.cloud_notices.accept("ohip", [notice("ohip:1", "R1", "CHECK IN", clock.now()),
                                            notice("ohip:2", "R2", "CHECK IN", clock.now())],
                                   offset="1841")
        store.cloud_notices.mark_failed("ohip:2", "HTTP 404")
    pms = FakePms()
    report = DoctorReport()

    await check_cloud_pms(settings, report, clock=clock, adapter=pms)

    lines = {c.name: c for c in report.checks}
    assert lines["OHIP credentials"].status is Status.OK
    assert lines["OHIP stream"].status is Status.FAIL
    assert lines["OHIP stream"].details == (
        "Ask Oracle to select the reservation events for ZOOMPHONE.",)
    inbox = lines["PMS notices"]
    assert (inbox.status, inbox.summary) == (Status.WARN, "1 pending, 1 failed, 0 applied")
    assert "stream offset: 1841" in inbox.details
    assert pms.closed
    assert report.verdict() == "NOT READY: fix OHIP stream first."


async def test_the_doctor_says_nothing_of_a_cloud_pms_for_a_fias_hotel(tmp_path: Path) -> None:
    settings = scenario_settings(Sandbox(SandboxConfig()), tmp_path)
    report = DoctorReport()
    await check_cloud_pms(settings, report, clock=FakeClock(), adapter=FakePms())
    assert report.checks == []


def test_sync_pms_leaves_a_request_for_the_running_cloud_door(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig())
    settings = scenario_settings(sandbox, tmp_path, **OHIP)
    env = {**sandbox.environment(str(tmp_path / "rooms.csv")),
           "CONNECTOR_STORE__PATH": str(settings.store.path), **OHIP}
    result = CliRunner().invoke(main, ["sync", "--pms"], env=env)

    assert result.exit_code == 0, result.output
    assert "the running service will read the in-house list from ohip" in result.output
    with Store(settings.store.path) as store:
        assert store.meta(RESYNC_REQUEST_KEY) is not None
