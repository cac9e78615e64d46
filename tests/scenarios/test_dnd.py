"""Do-not-disturb as the guest asks for it, within Zoom's limits: one DND lasts at most 24
hours, and a user's presence may change once a minute."""

from __future__ import annotations

from datetime import timedelta

from tests.scenarios.hotel import Hotel


async def test_dnd_without_an_end_is_kept_past_twenty_four_hours(hotel: Hotel) -> None:
    hotel.check_in("101", "Ana", "Lima")
    hotel.dnd("101", on=True)
    await hotel.settle()
    assert hotel.presence("101") == "Do_Not_Disturb"
    first = hotel.sandbox.presence(hotel.user("101").id)
    assert 1439 * 60 <= first["remaining_time"] <= 1440 * 60  # Zoom's longest DND

    hotel.advance(hours=23, minutes=5)  # past the re-assert point, before Zoom's DND lapses
    await hotel.settle()
    assert hotel.calls("set_presence") == 2
    again = hotel.sandbox.presence(hotel.user("101").id)
    assert again["remaining_time"] >= 1439 * 60

    hotel.advance(hours=7)  # 30 hours after the guest asked
    await hotel.settle()
    assert hotel.presence("101") == "Do_Not_Disturb"

    hotel.dnd("101", on=False)
    await hotel.settle()
    assert hotel.presence("101") == "Available"
    assert hotel.calls("set_presence") == 3
    assert hotel.refused_calls() == []


async def test_dnd_without_an_end_holds_for_three_days(hotel: Hotel) -> None:
    hotel.check_in("102", "Bo", "Chen")
    hotel.dnd("102", on=True)
    await hotel.settle()
    for _ in range(3):
        hotel.advance(hours=23, minutes=30)
        await hotel.settle()
        assert hotel.presence("102") == "Do_Not_Disturb"
    hotel.advance(hours=2)  # 72.5 hours after the guest asked
    await hotel.settle()
    assert hotel.presence("102") == "Do_Not_Disturb"
    # One DND a day, each re-asserted within its last hour: four calls cover three days.
    assert hotel.calls("set_presence") == 4


async def test_dnd_until_a_time_lapses_by_itself(hotel: Hotel) -> None:
    hotel.check_in("103", "Cy", "Diaz")
    hotel.dnd("103", on=True, until=hotel.now + timedelta(hours=2))
    await hotel.settle()
    assert hotel.presence("103") == "Do_Not_Disturb"

    hotel.advance(hours=1, minutes=59)
    await hotel.settle()
    assert hotel.presence("103") == "Do_Not_Disturb"

    hotel.advance(minutes=2)
    await hotel.settle()
    assert hotel.presence("103") == "Available"
    assert hotel.calls("set_presence") == 1  # Zoom ended it: no clearing call


async def test_dnd_until_a_time_beyond_a_day_is_reasserted_for_the_rest(hotel: Hotel) -> None:
    hotel.check_in("104", "Di", "Egan")
    hotel.dnd("104", on=True, until=hotel.now + timedelta(hours=30))
    await hotel.settle()
    hotel.advance(hours=23, minutes=30)
    await hotel.settle()
    assert hotel.presence("104") == "Do_Not_Disturb"
    assert hotel.calls("set_presence") == 2
    left = hotel.sandbox.presence(hotel.user("104").id)["remaining_time"]
    assert 6.4 * 3600 <= left <= 6.6 * 3600  # only what the guest asked for

    hotel.advance(hours=7)
    await hotel.settle()
    assert hotel.presence("104") == "Available"
    assert hotel.calls("set_presence") == 2


async def test_dnd_flip_flops_within_a_minute_end_in_the_last_state(hotel: Hotel) -> None:
    hotel.check_in("105", "Ed", "Fox")
    await hotel.settle()
    hotel.dnd("105", on=True)
    await hotel.settle()
    hotel.advance(seconds=5)
    hotel.dnd("105", on=False)
    await hotel.settle()
    hotel.advance(seconds=5)
    last = hotel.dnd("105", on=True)
    await hotel.settle()

    hotel.advance(seconds=61)
    await hotel.settle()
    assert hotel.presence("105") == "Do_Not_Disturb"
    assert hotel.status(last).state == "applied"
    assert hotel.calls("set_presence") == 1  # Zoom never left DND: nothing more to send
    assert hotel.refused_calls() == []


async def test_dnd_on_then_off_within_a_minute_waits_for_the_minute(hotel: Hotel) -> None:
    hotel.check_in("106", "Flo", "Gray")
    await hotel.settle()
    hotel.dnd("106", on=True)
    await hotel.settle()
    hotel.advance(seconds=5)
    off = hotel.dnd("106", on=False)
    await hotel.settle()
    # Zoom would refuse a second change inside the minute: the connector comes back later.
    assert hotel.presence("106") == "Do_Not_Disturb"
    assert hotel.status(off).state == "received"

    hotel.advance(seconds=61)
    await hotel.settle()
    assert hotel.presence("106") == "Available"
    assert hotel.status(off).state == "applied"
    assert hotel.calls("set_presence") == 2
    assert hotel.refused_calls() == []


async def test_dnd_flip_flops_before_the_connector_acts_cost_one_call(hotel: Hotel) -> None:
    hotel.check_in("107", "Gus", "Hale")
    for on in (True, False, True, False, True):
        hotel.dnd("107", on=on)
    await hotel.settle()
    assert hotel.presence("107") == "Do_Not_Disturb"
    assert hotel.calls("set_presence") == 1


async def test_zoom_refusing_one_guests_presence_update_delays_only_that_guest(
    hotel: Hotel,
) -> None:
    hotel.check_in("109", "Ana", "Lima")
    hotel.check_in("110", "Bo", "Chen")
    await hotel.settle()
    hotel.user("109").presence.last_update = hotel.now  # another app just changed Ana's
    hotel.dnd("109", on=True)
    hotel.dnd("110", on=True)
    await hotel.settle()
    assert hotel.presence("110") == "Do_Not_Disturb"
    assert hotel.presence("109") != "Do_Not_Disturb"
    assert hotel.failure("109") is None
    assert hotel.refused_calls() == ["set_presence 429"]

    hotel.advance(seconds=61)
    await hotel.settle()
    assert hotel.presence("109") == "Do_Not_Disturb"
    assert hotel.calls("set_presence") == 2
