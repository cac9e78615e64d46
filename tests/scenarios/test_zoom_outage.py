"""Zoom goes down in the middle of the day: nothing is lost, and everything is applied once
Zoom is back, each change once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connector.events.models import ClassOfService, Event
from tests.scenarios.hotel import Hotel, open_hotel


async def test_an_outage_in_the_middle_is_retried_and_everything_is_applied_after(
    hotel: Hotel,
) -> None:
    before_the_outage = hotel.check_in("201", "Ana", "Lima")
    await hotel.settle()

    hotel.sandbox.faults.error_burst(100_000, status=503)
    during: list[Event] = [
        hotel.check_in("202", "Bo", "Chen", cos=ClassOfService.BARRED),
        hotel.dnd("201", on=True),
        hotel.check_in("203", "Cy", "Diaz"),
    ]
    await hotel.one_pass()
    failures = {f.room: f for f in hotel.connector.store.failures()}
    assert set(failures) == {"201", "202", "203"}
    assert all(f.attempts == 1 and not f.final for f in failures.values()), failures
    assert "503" in failures["202"].error and "room 202" in failures["202"].error
    assert [hotel.status(e).state for e in during] == ["received"] * 3, failures

    await hotel.retry_round()  # still down: tried again on the schedule
    attempts = {f.room: f.attempts for f in hotel.connector.store.failures()}
    assert attempts["202"] == attempts["203"] == 2
    # A presence update that failed may still have reached Zoom, so room 201's next one
    # waits out the user's minute rather than risk Zoom's per-minute refusal.
    assert attempts["201"] == 1

    hotel.sandbox.faults.clear()  # Zoom is back
    hotel.advance(minutes=1)
    await hotel.settle()
    assert hotel.connector.store.failures() == []
    assert [hotel.status(e).state for e in [before_the_outage, *during]] == ["applied"] * 4
    assert hotel.shown_name("202") == "Bo Chen 2202"
    assert hotel.shown_name("203") == "Cy Diaz 2203"
    assert hotel.presence("201") == "Do_Not_Disturb"
    assert hotel.may_call("202") == {"international": False, "domestic": False}
    assert hotel.calls("update_user") == 3  # once per room: nothing applied twice
    assert hotel.calls("set_presence") == 1


async def test_an_outage_that_starts_halfway_through_a_room_resumes_where_it_stopped(
    hotel: Hotel,
) -> None:
    # The phone API goes down after the room's name went through.
    hotel.sandbox.faults.error_burst(100_000, status=503, endpoint="update_phone_user")
    stay = hotel.check_in("204", "Ana", "Lima", cos=ClassOfService.NATIONAL)
    await hotel.one_pass()
    assert hotel.shown_name("204") == "Ana Lima 2204"
    assert hotel.status(stay).state == "received"

    hotel.sandbox.faults.clear()
    await hotel.retry_round()
    assert hotel.status(stay).state == "applied"
    assert hotel.may_call("204") == {"international": False, "domestic": True}
    assert hotel.calls("update_user") == 1
    assert hotel.calls("list_user_voicemails") + hotel.calls("list_account_voicemails") == 1


@pytest.fixture
async def hotel_that_retries_once(tmp_path: Path) -> AsyncIterator[Hotel]:
    """A hotel whose connector gives up sooner (each failing try costs real seconds)."""
    async with open_hotel(tmp_path, CONNECTOR_SCHEDULING__RETRIES="1") as opened:
        yield opened


async def test_an_outage_longer_than_the_retries_marks_the_room_failed_until_a_full_pass(
    hotel_that_retries_once: Hotel,
) -> None:
    hotel = hotel_that_retries_once
    hotel.sandbox.faults.error_burst(100_000, status=503)
    stay = hotel.check_in("205", "Ana", "Lima")
    await hotel.one_pass()
    for _ in range(hotel.settings.scheduling.retries):
        await hotel.retry_round()
    failure = hotel.failure("205")
    assert failure is not None and failure.final
    assert hotel.status(stay).state == "failed"
    assert "room 205" in (hotel.status(stay).error or "")

    hotel.sandbox.faults.clear()
    before = hotel.mark()
    await hotel.retry_round()
    assert hotel.calls_since(before) == {}  # given up: not retried on its own

    await hotel.connector.reconciler.full_pass(["205"])
    assert hotel.status(stay).state == "applied"
    assert hotel.shown_name("205") == "Ana Lima 2205"
    assert hotel.failure("205") is None


async def test_a_new_event_for_a_failed_room_tries_it_again(
    hotel_that_retries_once: Hotel,
) -> None:
    hotel = hotel_that_retries_once
    hotel.sandbox.faults.error_burst(100_000, status=503)
    stay = hotel.check_in("206", "Ana", "Lima")
    await hotel.one_pass()
    for _ in range(hotel.settings.scheduling.retries):
        await hotel.retry_round()
    assert hotel.status(stay).state == "failed"

    hotel.sandbox.faults.clear()
    hotel.dnd("206", on=True)
    await hotel.settle()
    assert hotel.status(stay).state == "applied"
    assert hotel.shown_name("206") == "Ana Lima 2206"
    assert hotel.presence("206") == "Do_Not_Disturb"
