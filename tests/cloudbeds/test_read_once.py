"""Cloudbeds announces one check-in or check-out with two or three notices (status,
accommodation status, a new booking); the connector reads the reservation once for all of
those that came before its read, and hydrates one reservation's notices one at a time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import respx

from connector.events.models import CheckIn, CheckOut, GuestChange
from connector.pms.cloud.contract import Notice
from connector.pms.cloudbeds.adapter import CloudbedsPms
from tests.cloudbeds.test_hydration import notice as thin
from tests.cloudbeds.test_hydration import reservation
from tests.support.fake_clock import FakeClock


def came(event: str, at: datetime, **extra: object) -> Notice:
    """A notice of reservation 889 that reached the connector at `at`."""
    sent = thin(event, timestamp=int(at.timestamp()), **extra)
    return Notice(sent.key, sent.name, sent.body, at)


async def test_a_check_in_announced_three_times_reads_the_reservation_once(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, clock: FakeClock) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("101", "r-101")]))
    before = clock.now() - timedelta(seconds=1)
    created = await pms.hydrate(came("reservation/created", before))
    status = await pms.hydrate(came("reservation/status_changed", before, status="checked_in"))
    stay = await pms.hydrate(came("reservation/accommodation_status_changed", before,
                                  status="in_house"))

    assert read.call_count == 1
    assert [type(e) for e in created] == [CheckIn]  # Ada is in 101 from the first read
    assert status == [] and stay == []


async def test_a_check_out_announced_after_the_last_read_is_read_again(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, clock: FakeClock) -> None:
    read = cloudbeds.get("/getReservation").mock(side_effect=[
        reservation("checked_in", [("101", "r-101")]),
        reservation("checked_out", [("101", "r-101")])])
    await pms.hydrate(came("reservation/status_changed", clock.now(), status="checked_in"))
    clock.advance(3600)
    events = await pms.hydrate(came("reservation/status_changed", clock.now(),
                                    status="checked_out"))

    assert read.call_count == 2
    assert [(type(e), e.room) for e in events] == [(CheckOut, "101")]


async def test_an_ending_notice_is_not_answered_by_a_read_for_a_room_change(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, clock: FakeClock) -> None:
    # The check-in notice was lost: only a status notice may check out rooms never known.
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_out", [("101", "r-101")]))
    before = clock.now() - timedelta(seconds=1)
    moved = await pms.hydrate(came("reservation/accommodation_changed", before))
    left = await pms.hydrate(came("reservation/status_changed", before, status="checked_out"))

    assert read.call_count == 2
    assert moved == []
    assert [(type(e), e.room) for e in left] == [(CheckOut, "101")]


async def test_two_notices_of_one_reservation_read_at_once_are_hydrated_in_turn(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, clock: FakeClock) -> None:
    answers = iter([reservation("checked_in", [("101", "r-101")]),
                    reservation("checked_in", [("102", "r-102")])])

    async def slow_read(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)  # the round trip: the other hydration would run meanwhile
        return next(answers)

    cloudbeds.get("/getReservation").mock(side_effect=slow_read)
    arrived = came("reservation/status_changed", clock.now(), status="checked_in")
    # The move came after the first read began: it needs a read of its own.
    moved = came("reservation/accommodation_changed", clock.now() + timedelta(seconds=1))
    first, second = await asyncio.gather(pms.hydrate(arrived), pms.hydrate(moved))

    assert [(type(e), e.room) for e in first] == [(CheckIn, "101")]
    assert [(type(e), e.room, getattr(e, "old_room", None)) for e in second] == [
        (GuestChange, "102", "101")]  # a move, since the first had put her in 101
    assert len(pms._reading) == 0  # nothing kept once both are done
