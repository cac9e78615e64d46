"""The scheduler hears of wake-ups through the connector: `Connector.ingest` tells its room
listeners which rooms changed, and the scheduler re-reads only those."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.events.models import CheckIn, CheckOut, Guest, WakeupSet
from connector.pms.reporter import Reporter
from connector.wakeup.wiring import wakeup_scheduler
from tests.wakeup.fakes import FakePhone, FakeSpeech, FakeVoice
from tests.wakeup.virtual_clock import VirtualClock
from tests.web.pms import open_hotel


async def test_a_wakeup_sent_to_the_connector_reaches_the_scheduler_at_once(
    tmp_path: Path,
) -> None:
    async with open_hotel(tmp_path) as hotel:
        connector = hotel.connector
        room = next(iter(connector.room_map))
        now = hotel.sandbox.clock.now()
        reporter = Reporter(connector.store, None,
                            tz=ZoneInfo(connector.settings.hotel.timezone), clock=connector.clock)
        wakeup_scheduler(connector, phone=FakePhone(VirtualClock(now)), voice=FakeVoice(),
                         speech=FakeSpeech(), reporter=reporter, registry=CollectorRegistry())

        connector.ingest([
            CheckIn(id="in-1", occurred_at=now, room=room, reservation="R1",
                    guests=[Guest(last_name="Lovelace")]),
            WakeupSet(id="wr-1", occurred_at=now, room=room, at=now + timedelta(hours=2)),
        ])
        [job] = connector.store.wakeup_jobs([room])
        connector.ingest([CheckOut(id="out-1", occurred_at=now, room=room, reservation="R1")])
        [cancelled] = connector.store.wakeup_jobs([room])

    assert (job.room, job.requested_at, job.state) == (room, now + timedelta(hours=2), "pending")
    assert cancelled.state == "cancelled"
