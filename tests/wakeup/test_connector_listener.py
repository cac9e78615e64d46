"""The scheduler hears of wake-ups through the connector: `Connector.ingest` tells its room
listeners which rooms' wake-ups changed, and the scheduler re-reads only those."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.events.models import (
    CheckIn,
    CheckOut,
    ClassOfServiceChange,
    Dnd,
    Guest,
    GuestChange,
    MessageWaiting,
    WakeupClear,
    WakeupSet,
)
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


async def test_only_events_that_move_a_wakeup_make_the_scheduler_look_again(
    tmp_path: Path,
) -> None:
    async with open_hotel(tmp_path) as hotel:
        connector = hotel.connector
        room, other = list(connector.room_map)[:2]
        now = hotel.sandbox.clock.now()
        heard: list[list[str]] = []

        def listener(rooms: Sequence[str]) -> None:
            heard.append(list(rooms))

        connector.room_listeners.append(listener)
        at = now + timedelta(hours=8)
        steps = {
            "check-in": [CheckIn(id="in-1", occurred_at=now, room=room, reservation="R1",
                                 guests=[Guest(last_name="Lovelace")])],
            "wake-up set": [WakeupSet(id="w-1", occurred_at=now, room=room, at=at)],
            "do not disturb": [Dnd(id="d-1", occurred_at=now, room=room, on=True)],
            "message light": [MessageWaiting(id="m-1", occurred_at=now, room=room, on=True)],
            "class of service": [ClassOfServiceChange(id="c-1", occurred_at=now, room=room,
                                                      level=1)],
            "name corrected": [GuestChange(id="g-1", occurred_at=now, room=room,
                                           reservation="R1", guests=[Guest(last_name="King")])],
            "same wake-up again": [WakeupSet(id="w-1", occurred_at=now, room=room, at=at)],
            "moved to another room": [GuestChange(id="mv-1", occurred_at=now, room=other,
                                                  old_room=room, reservation="R1",
                                                  guests=[Guest(last_name="King")])],
            "wake-up cleared": [WakeupClear(id="wc-1", occurred_at=now, room=other, at=at)],
            "another wake-up": [WakeupSet(id="w-2", occurred_at=now, room=other,
                                          at=at + timedelta(days=1))],
            "check-out": [CheckOut(id="out-1", occurred_at=now, room=other, reservation="R1")],
        }
        told: dict[str, list[list[str]]] = {}
        for step, events in steps.items():
            heard.clear()
            connector.ingest(events)
            told[step] = list(heard)

    assert told == {
        "check-in": [],
        "wake-up set": [[room]],
        "do not disturb": [],
        "message light": [],
        "class of service": [],
        "name corrected": [],
        "same wake-up again": [],  # a duplicate id: nothing changed
        "moved to another room": [sorted([room, other])],
        "wake-up cleared": [[other]],
        "another wake-up": [[other]],
        "check-out": [[other]],  # the room went vacant: its wake-up goes
    }
