"""`connector export`: a guest asks what the hotel's phone system holds about their stay, and
gets all of it, and nothing of the guest who shared the room."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from connector.events.models import Dnd, WakeupSet
from tests.billing.front_desk import FrontDesk, call_row
from tests.privacy.guests import arrives, leaves
from tests.privacy.test_erase import cli


def test_the_export_holds_the_whole_stay_and_not_the_sharers(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    start = desk.clock.now()
    desk.pms(arrives("101", "R-1", start, "Lovelace"),
             arrives("101", "R-2", start + timedelta(minutes=5), "Byron", share=True),
             Dnd(id="dnd-1", occurred_at=start + timedelta(hours=1), room="101", on=True),
             WakeupSet(id="wake-1", occurred_at=start + timedelta(hours=2), room="101",
                       at=start + timedelta(hours=16)))
    desk.zoom_tells(call_row("2101", start + timedelta(hours=3), call_id="london"))
    desk.pms(leaves("101", "R-1", start + timedelta(days=1)))
    desk.store.close()
    out = tmp_path / "R-1.json"

    result = cli(path, "export", "--reservation", "R-1", "--out", str(out))

    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["reservation"] == "R-1" and data["in_house"] is False
    assert [(s["room"], s["until"] is not None) for s in data["stays"]] == [("101", True)]
    assert [e["type"] for e in data["events"]] == ["check_in", "dnd", "wakeup_set",
                                                   "check_out"]
    assert data["events"][0]["body"]["guests"][0]["last_name"] == "Lovelace"
    assert "Byron" not in out.read_text(encoding="utf-8")
    [call] = data["calls"]
    assert (call["call_id"], call["dialled"], call["reservation"]) == (
        "london", "+442071838750", "R-1")
    assert [r["kind"] for r in data["reports_to_pms"]] == ["posting"]
    assert data["event_log"] == []  # the front desk's narrated log: none in this hotel


def test_an_erased_stay_exports_blank_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    start = desk.clock.now()
    desk.pms(arrives("101", "R-1", start, "Lovelace"), leaves("101", "R-1", start))
    desk.store.close()
    cli(path, "erase", "--reservation", "R-1")

    erased = cli(path, "export", "--reservation", "R-1")
    unknown = cli(path, "export", "--reservation", "R-404")

    assert erased.exit_code == 0
    guest = json.loads(erased.output)["events"][0]["body"]["guests"][0]
    assert guest == {"title": "", "first_name": "", "last_name": "", "vip": "",
                     "language": ""}
    assert unknown.exit_code == 1
    assert "nothing about that stay" in unknown.output
