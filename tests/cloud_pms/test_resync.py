"""The cloud resync is a FIAS DR: start, a check-in per stay, end, with ids of its own; a
2,000-room hotel's list goes in with one ingest, in reasonable time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from connector.events.models import CheckIn, Guest, ResyncEnd, ResyncStart
from connector.pms.cloud.resync import new_resync_id, snapshot
from tests.scenarios.hotel import open_hotel

NOW = datetime(2026, 3, 10, 4, 30, tzinfo=UTC)


def stay(room: str, reservation: str, last: str) -> CheckIn:
    return CheckIn(id="vendor", occurred_at=NOW, room=room, reservation=reservation,
                   guests=[Guest(last_name=last)])


def test_the_snapshot_is_start_a_check_in_per_stay_and_end() -> None:
    resync = new_resync_id("cloudbeds", NOW)
    events = snapshot([stay("101", "R1", "Lima"), stay("101", "R2", "Okafor"),
                       stay("102", "R3", "Ng")], resync_id=resync, at=NOW)

    assert resync == "cloudbeds-resync-20260310T043000000000Z"
    assert isinstance(events[0], ResyncStart) and isinstance(events[-1], ResyncEnd)
    assert events[0].resync_id == events[-1].resync_id == resync
    check_ins = [e for e in events if isinstance(e, CheckIn)]
    assert [e.id for e in check_ins] == [f"{resync}#0", f"{resync}#1", f"{resync}#2"]
    assert [e.share for e in check_ins] == [False, True, False]  # the second in 101 shares
    assert len({e.id for e in events}) == len(events)


def test_two_resyncs_never_share_an_id() -> None:
    first = snapshot([stay("101", "R1", "Lima")], resync_id=new_resync_id("ohip", NOW), at=NOW)
    later = NOW.replace(hour=5)
    second = snapshot([stay("101", "R1", "Lima")], resync_id=new_resync_id("ohip", later),
                      at=later)
    assert not {e.id for e in first} & {e.id for e in second}


async def test_a_2000_stay_list_goes_in_one_ingest(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        stays = [stay(f"{1000 + n}", f"R{n}", f"Guest{n}") for n in range(2000)]
        events = snapshot(stays, resync_id=new_resync_id("ohip", NOW), at=NOW)

        started = time.perf_counter()
        received = hotel.connector.ingest(events, source="ohip")
        took = time.perf_counter() - started

        assert len(received) == 2002 and not any(r.duplicate for r in received)
        assert took < 20, f"{took:.1f} s"  # about a second on a small machine
        state = hotel.connector.store.room("2999")
        assert state is not None and state.occupied
