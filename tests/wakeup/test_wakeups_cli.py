"""`connector wakeups` as the front desk's IT person uses it until the console exists."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from connector.cli import main
from tests.wakeup.desk import make_desk


def _cli(store: Path, *args: str) -> Result:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "secret", "CONNECTOR_STORE__PATH": str(store),
           "CONNECTOR_HOTEL__TIMEZONE": "Europe/Lisbon", "CONNECTOR_LOG__FORMAT": "text"}
    return CliRunner().invoke(main, ["wakeups", *args], env=env)


async def test_waiting_wakeups_and_open_alerts_are_listed_and_an_alert_is_acknowledged(
    tmp_path: Path,
) -> None:
    desk = make_desk(tmp_path, retries=0)
    desk.check_in("1204")
    desk.check_in("101")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    desk.set_wakeup("101", "2026-03-11 06:30")
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        await desk.clock.run_for(120)
    [alert] = desk.store.open_alerts()
    path = Path(desk.store.path)
    desk.store.close()

    listed = _cli(path)
    assert listed.exit_code == 1, listed.output  # an alert is open
    assert "room 101: 2026-03-11 06:30 WET" in listed.output  # hotel time, labelled
    assert (f"[{alert.id}] room 1204: wake-up for 2026-03-10 07:00 WET not answered"
            in listed.output)

    refused = _cli(path, "--ack", str(alert.id))
    assert refused.exit_code == 2 and "--by" in refused.output
    acknowledged = _cli(path, "--ack", str(alert.id), "--by", "night manager")
    assert acknowledged.exit_code == 0, acknowledged.output
    assert "acknowledged by night manager" in acknowledged.output
    assert "open alert" not in acknowledged.output
    again = _cli(path, "--ack", str(alert.id), "--by", "someone")
    assert again.exit_code == 2 and "not open" in again.output
