"""Rooms Zoom cannot fully serve: the front desk sees why, and everything else still works."""

from __future__ import annotations

from connector.events.models import ClassOfService
from tests.scenarios.hotel import Hotel


async def test_a_room_whose_extension_was_never_created_in_zoom_is_failed(
    hotel: Hotel,
) -> None:
    stay = hotel.check_in("901", "Ana", "Lima")
    await hotel.settle()
    failure = hotel.failure("901")
    assert failure is not None and failure.final
    assert "room 901" in failure.error and "3901" in failure.error
    assert hotel.status(stay).state == "failed"

    before = hotel.mark()
    await hotel.retry_round()
    assert hotel.calls_since(before) == {}  # it is not hammered


async def test_dnd_refused_for_a_phone_without_a_zoom_client_does_not_block_the_rest(
    hotel: Hotel,
) -> None:
    leftover = hotel.leave_voicemail("117", minutes_ago=60)
    hotel.check_in("117", "Ana", "Lima", cos=ClassOfService.BARRED)
    dnd = hotel.dnd("117", on=True)
    await hotel.settle()

    assert hotel.shown_name("117") == "Ana Lima 2117"
    assert hotel.may_call("117") == {"international": False, "domestic": False}
    assert leftover not in hotel.voicemail_ids("117")
    assert hotel.presence("117") == "Available"
    failure = hotel.failure("117")
    assert failure is not None
    assert "5301" in failure.error and "room 117" in failure.error
    assert hotel.status(dnd).state == "failed"

    for _ in range(hotel.settings.scheduling.retries + 1):
        await hotel.retry_round()
    assert hotel.calls("set_presence") == 0
    assert hotel.refused_calls() == ["set_presence 400"]  # asked once, not again and again


async def test_a_refused_dnd_does_not_hold_up_the_next_guest(hotel: Hotel) -> None:
    stay = hotel.check_in("217", "Ana", "Lima")
    hotel.dnd("217", on=True)
    await hotel.settle()
    hotel.check_out("217", stay.reservation)
    hotel.check_in("217", "Bo", "Chen")
    after = hotel.change_guest("217", "R217-Chen", "Bo", "Chen-Park")
    await hotel.settle()
    assert hotel.shown_name("217") == "Bo Chen-Park 2217"
    assert hotel.status(after).state == "applied"
    assert hotel.failure("217") is None


async def test_a_common_area_with_outbound_calling_off_still_gets_its_guest(
    hotel: Hotel,
) -> None:
    leftover = hotel.leave_voicemail("129", minutes_ago=60)
    stay = hotel.check_in("129", "Ana", "Lima", cos=ClassOfService.NATIONAL)
    await hotel.settle()
    assert hotel.shown_name("129") == "Ana Lima 2129"
    assert leftover not in hotel.voicemail_ids("129")
    failure = hotel.failure("129")
    assert failure is not None and failure.final
    assert "13504" in failure.error and "room 129" in failure.error
    assert hotel.status(stay).state == "failed"
