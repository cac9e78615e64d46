"""What a hotel on OPERA Cloud sees when OHIP misbehaves: a stream dropped mid-flow, a second
consumer on our app key, a token expired mid-run, an outage long enough for OHIP to forget
events. Each time the room phones end as OPERA says, nothing lost and nothing applied twice."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from connector.doctor import run_doctor
from connector.pms.ohip.client import OhipClient
from connector.pms.ohip.stream import OhipStream
from tests.ohip.ohip_support import Sink
from tests.ohip_e2e.hotel import opera_hotel
from tests.support.waiting import until


async def test_a_stream_dropped_mid_flow_resumes_from_the_stored_offset(
        tmp_path: Path) -> None:
    async with opera_hotel(tmp_path, start=False) as hotel:
        hotel.opera.stream_faults.drop_after = 2  # the connection breaks after two events
        await hotel.start()
        guests = [("Ada", "Lovelace", "101"), ("Grace", "Hopper", "102"),
                  ("Alan", "Turing", "103"), ("Edsger", "Dijkstra", "104")]
        for first, last, room in guests:
            hotel.arrives(first, last, room)
        for _, last, room in guests:
            await hotel.shows(room, last)
        await hotel.settled()

    first, resumed = hotel.opera.subscriptions[:2]
    assert first.get("offsetType") == "highest"  # nothing stored yet: from the newest event
    assert resumed.get("offset") == "2"  # the offset stored with the second event
    upgrades = hotel.opera.requests.entries("subscriptions")  # the gateway counts them too
    assert len(upgrades) == len(hotel.opera.subscriptions) == 2
    applied = hotel.applied()
    assert len(applied) == len(set(applied))  # nothing applied twice
    events = hotel.opera.log.after(0)
    assert sorted(applied) == sorted(f"ohip:{e.unique_event_id}" for e in events)


async def test_a_second_consumer_is_said_in_words_and_never_fought(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="connector.pms.ohip.stream")
    async with opera_hotel(tmp_path, start=False) as hotel:
        # Another system on the hotel's app key holds OHIP's stream first.
        other_client = OhipClient(hotel.settings.ohip, clock=hotel.zoom.clock)
        other = OhipStream(hotel.settings.ohip, other_client.token, clock=hotel.zoom.clock)
        held, stop_other = Sink(), asyncio.Event()
        other_task = asyncio.create_task(other.run(held, stop_other))
        await until(lambda: other.status().connected, within=10)

        hotel.task = asyncio.create_task(hotel.service.run())
        cloud = hotel.service.cloud
        assert cloud is not None
        await until(lambda: "another system" in cloud.readiness().detail, within=15)
        tries = len(hotel.opera.subscriptions)
        await asyncio.sleep(2)
        assert len(hotel.opera.subscriptions) == tries  # it waits minutes, never fights
        assert not cloud.readiness().ok
        assert any("another system is consuming this OHIP stream" in r.getMessage()
                   for r in caplog.records)

        report = await run_doctor(hotel.settings)
        stream = next(c for c in report.checks if c.name == "OHIP event stream")
        assert "another system" in stream.summary

        stop_other.set()
        await other_task
        await other_client.close()


async def test_a_token_expired_mid_run_is_renewed_once(tmp_path: Path) -> None:
    async with opera_hotel(tmp_path) as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        await hotel.shows("101", "Lovelace")
        issued = hotel.opera.auth.issued
        hotel.opera.expire_tokens()
        hotel.opera.state.change_guest(ada.id, surname="King")
        await hotel.shows("101", "King")
    assert hotel.opera.auth.issued == issued + 1


async def test_an_outage_longer_than_ohip_keeps_events_ends_in_a_resync(
        tmp_path: Path) -> None:
    async with opera_hotel(tmp_path) as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        await hotel.shows("101", "Lovelace")
        await hotel.settled()
        door = hotel.service.cloud
        assert door is not None
        started = door.status().last_resync_at
        hotel.opera.faults.error_burst(3, 503)  # OHIP answers 503 first, then goes away
        await hotel.ohip_down()

        state = hotel.opera.state
        state.check_out(ada.id)
        grace = state.create_reservation("Grace", "Hopper", room="102")
        state.check_in(grace.id)
        # Away longer than OHIP keeps events: the stored offset is gone when it comes back.
        hotel.opera.log.forget_before(hotel.opera.log.last_offset + 1)
        await asyncio.sleep(1.5)
        await hotel.ohip_up()

        await hotel.shows("102", "Hopper", within=30)
        await until(lambda: "Lovelace" not in hotel.shown("101"), within=30)
        await hotel.settled()
        assert hotel.may_call("101") == "internal only"
        resynced = door.status().last_resync_at
        assert started is not None and resynced is not None and resynced > started
