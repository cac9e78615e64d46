"""The connector restarts (a crash, a deploy) in the middle of the day: no event is lost, no
room is left half-done, and nothing is done twice."""

from __future__ import annotations

import asyncio
import contextlib

from connector.events.models import ClassOfService, Event
from tests.scenarios.hotel import Hotel, reopen
from tests.support.waiting import until


async def test_events_received_before_a_restart_are_applied_after_it(hotel: Hotel) -> None:
    events: list[Event] = [
        hotel.check_in("301", "Ana", "Lima", cos=ClassOfService.NATIONAL),
        hotel.check_in("302", "Bo", "Chen"),
        hotel.dnd("302", on=True),
    ]
    await reopen(hotel)  # before the connector got to any of them
    assert hotel.calls("update_user") == 0

    await hotel.settle()
    assert all(hotel.status(event).state == "applied" for event in events)
    assert hotel.shown_name("301") == "Ana Lima 2301"
    assert hotel.shown_name("302") == "Bo Chen 2302"
    assert hotel.may_call("301") == {"international": False, "domestic": True}
    assert hotel.presence("302") == "Do_Not_Disturb"


async def test_a_room_half_done_before_a_restart_is_finished_after_it_without_repeats(
    hotel: Hotel,
) -> None:
    hotel.sandbox.faults.error_burst(100_000, status=503,
                                     endpoint="update_user_outbound_countries")
    stay = hotel.check_in("303", "Ana", "Lima", cos=ClassOfService.BARRED)
    await hotel.settle()
    # Name, voicemail and international calling went through; the country rule did not.
    assert hotel.shown_name("303") == "Ana Lima 2303"
    assert hotel.may_call("303") == {"international": False, "domestic": True}
    assert hotel.status(stay).state == "received"

    hotel.sandbox.faults.clear()
    await reopen(hotel)
    before = hotel.mark()
    await hotel.settle()
    assert hotel.status(stay).state == "applied"
    assert hotel.may_call("303") == {"international": False, "domestic": False}
    assert hotel.calls_since(before) == {"update_user_outbound_countries": 1}


async def test_a_restart_with_nothing_pending_sends_nothing(hotel: Hotel) -> None:
    hotel.check_in("304", "Ana", "Lima")
    hotel.dnd("304", on=True)
    await hotel.settle()
    await reopen(hotel)
    before = hotel.mark()
    await hotel.settle()
    assert hotel.calls_since(before) == {}


async def test_a_long_dnd_is_still_reasserted_after_a_restart(hotel: Hotel) -> None:
    hotel.check_in("305", "Ana", "Lima")
    hotel.dnd("305", on=True)
    await hotel.settle()
    await reopen(hotel)
    hotel.advance(hours=23, minutes=5)
    await hotel.settle()
    hotel.advance(hours=7)
    await hotel.settle()
    assert hotel.presence("305") == "Do_Not_Disturb"


async def test_dnd_turned_off_just_after_a_restart_is_applied(hotel: Hotel) -> None:
    hotel.check_in("306", "Ana", "Lima")
    hotel.dnd("306", on=True)
    await hotel.settle()
    await reopen(hotel)  # the new process does not know when presence was last changed
    hotel.advance(seconds=10)
    off = hotel.dnd("306", on=False)
    await hotel.settle()
    hotel.advance(seconds=61)
    await hotel.settle()
    assert hotel.presence("306") == "Available"
    assert hotel.status(off).state == "applied"


async def test_a_crash_while_zoom_holds_the_dnd_answer_leaves_no_dnd_for_the_next_guest(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("307", "Ana", "Lima")
    await hotel.settle()
    hotel.sandbox.faults.hold(1.0, count=1, endpoint="set_presence")
    hotel.dnd("307", on=True)
    working = asyncio.create_task(hotel.settle())
    await until(lambda: hotel.presence("307") == "Do_Not_Disturb")
    working.cancel()  # killed: Zoom has set DND, the connector never heard it answered
    with contextlib.suppress(asyncio.CancelledError):
        await working
    await reopen(hotel)

    out = hotel.check_out("307", stay.reservation)
    await hotel.settle()
    # The dead process's update started the guest's presence minute in Zoom: the clear
    # waits for it, and the room is not given up on.
    assert hotel.presence("307") == "Do_Not_Disturb"
    assert hotel.failure("307") is None
    hotel.advance(seconds=61)
    await hotel.settle()
    assert hotel.presence("307") == "Available"
    assert hotel.status(out).state == "applied"


async def test_a_dnd_that_zoom_refused_is_not_cleared_at_check_out(hotel: Hotel) -> None:
    stay = hotel.check_in("308", "Ana", "Lima")
    await hotel.settle()
    hotel.user("308").client_signed_in = False  # a desk phone, no Zoom client: no presence
    hotel.dnd("308", on=True)
    await hotel.settle()
    await reopen(hotel)
    before = hotel.mark()
    hotel.check_out("308", stay.reservation)
    await hotel.settle()
    assert "set_presence" not in hotel.calls_since(before)
    assert hotel.failure("308") is None
