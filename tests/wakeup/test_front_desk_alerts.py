"""The front desk's alerts: listed while open, acknowledged once, by someone, at a time."""

from __future__ import annotations

from pathlib import Path

from tests.wakeup.desk import local, make_desk


async def test_an_alert_stays_open_until_someone_acknowledges_it(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, retries=0)
    desk.check_in("1204")
    desk.set_wakeup("1204", "2026-03-10 07:00")
    async with desk.running():
        await desk.until(lambda: bool(desk.answers()))
        await desk.clock.run_for(120)

    [alert] = desk.store.open_alerts()
    at = local("2026-03-10 07:10")
    assert desk.store.acknowledge_alert(alert.id, by="night manager", at=at) is True
    assert desk.store.acknowledge_alert(alert.id, by="someone else", at=at) is False
    assert desk.store.acknowledge_alert(alert.id + 1, by="someone else", at=at) is False
    assert desk.store.open_alerts() == []
    closed = desk.store.alert(alert.id)
    assert closed is not None
    assert (closed.acknowledged_by, closed.acknowledged_at) == ("night manager", at)
    assert closed.operator_call == "no_answer"  # nobody picked up at the operator either
