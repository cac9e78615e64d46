"""The cloud door with a small fake PMS in front of a connector on the Zoom sandbox: what the
PMS says is stored before it is acted on, applied once, waits out an outage, and a resync
makes the rooms what the PMS's in-house list says, touching Zoom only where it differs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry

from connector.pms.cloud.backoff import Backoff
from connector.pms.cloud.contract import Notice
from connector.pms.cloud.door import CloudDoor
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from tests.cloud_pms.fake_pms import FakePms, Stay, notice
from tests.scenarios.hotel import Hotel, open_hotel, reopen
from tests.support.fake_clock import FakeClock
from tests.support.waiting import until


@dataclass
class Desk:
    hotel: Hotel
    pms: FakePms
    door: CloudDoor
    clock: FakeClock
    registry: CollectorRegistry

    def guests(self, room: str) -> list[str]:
        state = self.hotel.connector.store.room(room)
        if state is None:
            return []
        return [f"{g.first_name} {g.last_name}" for s in state.stays for g in s.guests]

    def state_of(self, key: str) -> str | None:
        stored = self.hotel.connector.store.cloud_notices.get(key)
        return None if stored is None else stored.state

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


def make_door(hotel: Hotel, pms: FakePms, clock: FakeClock,
              registry: CollectorRegistry) -> CloudDoor:
    return CloudDoor(pms, hotel.connector, tz=ZoneInfo(hotel.settings.hotel.timezone),
                     clock=clock, registry=registry, resync_daily_at="",
                     backoff=Backoff(first=1.0, cap=60.0), idle_seconds=0.05)


@asynccontextmanager
async def running(hotel: Hotel, pms: FakePms) -> AsyncIterator[Desk]:
    clock, registry = FakeClock(), CollectorRegistry()
    door = make_door(hotel, pms, clock, registry)
    stop = asyncio.Event()
    task = asyncio.create_task(door.run(stop))
    try:
        yield Desk(hotel, pms, door, clock, registry)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


def at(clock: FakeClock, key: str, reservation: str, action: str = "CHECK IN") -> Notice:
    return notice(key, reservation, action, clock.now())


async def test_a_notice_is_stored_before_it_is_hydrated_and_the_same_key_applies_once(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")})
        stored_first: list[str | None] = []
        async with running(hotel, pms) as desk:
            pms.on_hydrate = lambda n: stored_first.append(desk.state_of(n.key))
            await until(lambda: pms.in_house_reads == 1)
            pms.source_.put(at(desk.clock, "ohip:1", "R1"), offset="10")
            pms.source_.put(at(desk.clock, "ohip:1", "R1"), offset="11")  # delivered again
            await until(lambda: desk.state_of("ohip:1") == "applied")
            await until(lambda: desk.door.offset() == "11")

            assert stored_first == ["pending"]
            assert pms.hydrated == ["ohip:1"]
            assert desk.guests("101") == ["Ada Lovelace"]
            assert desk.metric("connector_cloud_pms_notices_total",
                               vendor="ohip", outcome="duplicate") == 1
            applied = hotel.connector.store.cloud_notices.get("ohip:1")
            assert applied is not None and applied.body == {}  # no name left in the inbox


async def test_notices_are_read_back_several_at_once_yet_applied_in_the_order_they_came(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace"),
                                    "R2": Stay("102", "Grace Hopper"),
                                    "R3": Stay("103", "Alan Turing")})
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 1)
            # Ada's check-in is slow to read back; her check-out, right after, is quick.
            pms.read_seconds = {"ohip:1": 0.3, "ohip:2": 0.05, "ohip:3": 0.05}
            pms.source_.put(at(desk.clock, "ohip:1", "R1"), at(desk.clock, "ohip:2", "R2"),
                            at(desk.clock, "ohip:3", "R3"),
                            at(desk.clock, "ohip:4", "R1", "CHECK OUT"))
            await until(lambda: desk.state_of("ohip:4") == "applied")

            assert pms.most_reading >= 2
            assert desk.guests("101") == []  # in, then out: the order the PMS said it
            assert desk.guests("102") == ["Grace Hopper"]
            assert desk.guests("103") == ["Alan Turing"]


async def test_a_pms_outage_keeps_the_notice_pending_then_applies_it(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")})
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 1)
            pms.unavailable = 2
            pms.source_.put(at(desk.clock, "ohip:1", "R1"))
            await until(lambda: desk.state_of("ohip:1") == "applied")

            assert desk.guests("101") == ["Ada Lovelace"]
            stored = hotel.connector.store.cloud_notices.get("ohip:1")
            assert stored is not None and stored.attempts == 3
            assert desk.clock.sleeps[:2] == [2.0, 2.0]  # the PMS's retry-after, at least
            assert desk.metric("connector_cloud_pms_unavailable_total", vendor="ohip") == 2


async def test_a_notice_the_pms_refuses_is_kept_failed_and_a_resync_repairs_its_room(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R9": Stay("109", "Grace Hopper")}, refuse={"R9"})
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 1)
            pms.in_house_ids = ["R9"]  # the list still has her
            with caplog.at_level(logging.WARNING, logger="connector.pms.cloud"):
                pms.source_.put(at(desk.clock, "ohip:5", "R9"))
                await until(lambda: pms.in_house_reads == 2)
                await until(lambda: desk.guests("109") == ["Grace Hopper"])

            failed = hotel.connector.store.cloud_notices.get("ohip:5")
            assert failed is not None and failed.state == "failed"
            assert failed.last_error == "HTTP 404: reservation R9 not found"
            assert desk.door.status().failed == 1
            assert any("refused notice ohip:5" in r.getMessage() for r in caplog.records)
            assert not any("Hopper" in r.getMessage() for r in caplog.records)


async def test_a_restarted_door_resumes_from_the_offset_and_applies_what_was_pending(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace"),
                                    "R2": Stay("102", "Alan Turing")},
                      in_house_ids=["R1", "R2"])
        clock = FakeClock()
        first = make_door(hotel, pms, clock, CollectorRegistry())
        # Stored, then the process died before the worker took them.
        assert first.accept([at(clock, "ohip:1", "R1"), at(clock, "ohip:2", "R2")],
                            offset="200") == 2
        await reopen(hotel)

        async with running(hotel, pms) as desk:
            await until(lambda: desk.state_of("ohip:2") == "applied")
            assert pms.source_.resumed_from == ["200"]
            assert pms.hydrated == ["ohip:1", "ohip:2"]
            assert (desk.guests("101"), desk.guests("102")) == (["Ada Lovelace"],
                                                                ["Alan Turing"])


async def test_the_resync_at_start_vacates_a_stay_the_pms_no_longer_has_and_leaves_the_others(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        hotel.check_in("101", "Ada", "Lovelace", reservation="R1")
        hotel.check_in("102", "Alan", "Turing", reservation="R2")
        await hotel.settle()
        mark = hotel.mark()
        stays = hotel.zoom_owner("101").id, hotel.zoom_owner("102").id
        # Alan checked out while the connector was away; the PMS only has Ada in house.
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")}, in_house_ids=["R1"])
        async with running(hotel, pms) as desk:
            await until(lambda: desk.guests("102") == [])
            await hotel.settle()

            touched = [e.path for e in hotel.sandbox.log.entries() if e.seq > mark]
            assert desk.guests("101") == ["Ada Lovelace"]
            assert not [p for p in touched if stays[0] in p]  # nothing for Ada's room
            assert [p for p in touched if stays[1] in p]  # Alan's room emptied in Zoom
            assert "Turing" not in hotel.shown_name("102")
            assert "Lovelace" in hotel.shown_name("101")
            assert desk.door.status().last_resync.startswith("1 stay(s) in house")


async def test_a_resync_asked_for_with_sync_pms_runs_and_the_request_is_cleared(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")})
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 1)
            pms.in_house_ids = ["R1"]
            hotel.connector.store.set_meta(RESYNC_REQUEST_KEY, "2026-03-10T09:00:00+00:00")
            await until(lambda: desk.guests("101") == ["Ada Lovelace"])

            assert hotel.connector.store.meta(RESYNC_REQUEST_KEY) is None
            assert desk.metric("connector_cloud_pms_resyncs_total",
                               vendor="ohip", outcome="done") == 2


async def test_a_resync_while_the_pms_is_down_is_retried_and_never_half_applied(
        tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        hotel.check_in("101", "Ada", "Lovelace", reservation="R1")
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")}, in_house_ids=["R1"],
                      unavailable=3)
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 4)
            await until(lambda: desk.door.status().last_resync_at is not None)

            assert desk.guests("101") == ["Ada Lovelace"]  # never vacated by a half resync
            assert desk.clock.sleeps[:3] == [2.0, 2.0, 4.0]
            assert desk.metric("connector_cloud_pms_resyncs_total",
                               vendor="ohip", outcome="failed") == 3


async def test_readiness_says_whether_the_stream_is_up(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms()
        clock, registry = FakeClock(), CollectorRegistry()
        door = make_door(hotel, pms, clock, registry)
        assert door.readiness().ok is False
        async with running(hotel, pms) as desk:
            await until(lambda: desk.door.readiness().ok)
            assert desk.door.readiness().detail == "ohip: stream up"
        webhooks = FakePms(with_source=False)
        async with running(hotel, webhooks) as desk:
            await until(lambda: desk.door.readiness().ok)
            assert desk.door.readiness().detail == "ohip: webhooks subscribed at start"


async def test_a_crash_between_ingest_and_mark_applies_the_notice_once(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms(reservations={"R1": Stay("101", "Ada Lovelace")}, in_house_ids=["R1"])
        clock = FakeClock()
        first = make_door(hotel, pms, clock, CollectorRegistry())
        first.accept([at(clock, "ohip:1", "R1")])
        # The last life ingested the notice's events, then died before marking it.
        [stored] = hotel.connector.store.cloud_notices.pending()
        hotel.connector.ingest(await pms.hydrate(at(clock, "ohip:1", "R1")), source="ohip")
        await reopen(hotel)

        async with running(hotel, pms) as desk:
            await until(lambda: desk.state_of(stored.key) == "applied")
            events = hotel.connector.store.room_events("101")  # newest first
            assert [e.outcome for e in events if e.event_id == "ohip:1#0"] == [
                "duplicate", "changed"]
            assert desk.guests("101") == ["Ada Lovelace"]


async def test_the_daily_resync_runs_at_its_hotel_time(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms()
        clock = FakeClock()  # 09:00 UTC
        door = CloudDoor(pms, hotel.connector, tz=ZoneInfo("UTC"), clock=clock,
                         registry=CollectorRegistry(), resync_daily_at="04:30",
                         idle_seconds=0.05)
        stop = asyncio.Event()
        task = asyncio.create_task(door.run(stop))
        try:
            await until(lambda: pms.in_house_reads == 1)  # at start
            clock.advance(19 * 3600)  # 04:00 the next day: not yet
            await asyncio.sleep(0.2)
            assert pms.in_house_reads == 1
            clock.advance(3600)  # 05:00
            await until(lambda: pms.in_house_reads == 2)
            assert "the daily resync of 2026-03-11 04:30" in door.status().last_resync
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)


async def test_a_gap_in_the_pms_events_brings_a_resync(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        pms = FakePms()
        async with running(hotel, pms) as desk:
            await until(lambda: pms.in_house_reads == 1)
            desk.door.gap("the stored offset is older than the PMS keeps events")
            await until(lambda: pms.in_house_reads == 2)
            assert "a gap in the PMS's events: the stored offset is older" in (
                desk.door.status().last_resync)
