"""DND the guest sets on the room phone reaches the PMS (RS 8 on, RS 10 off) through Zoom's
presence webhook, and the connector keeps the guest's wish; DND the connector set itself is
never echoed back."""

from __future__ import annotations

from datetime import timedelta

from connector.rooms.state import RoomState
from tests.web.pms import Hotel, check_in, dnd
from tests.web.zoom import presence_event, zoom_for

PRESENCE = "user.presence_status_updated"


def room(hotel: Hotel, number: str) -> RoomState:
    state = hotel.connector.store.room(number)
    assert state is not None
    return state


async def guest_in(hotel: Hotel, number: str = "101") -> None:
    await hotel.send(check_in(number))
    await hotel.settle()
    hotel.advance(120)


async def pms_sets_dnd(hotel: Hotel, number: str, **fields: object) -> None:
    await hotel.send({**dnd(number, on=True), **fields})
    await hotel.settle()
    hotel.advance(120)


async def test_dnd_set_on_the_phone_is_kept_and_reported_to_the_pms_as_rs_8(
    hotel: Hotel,
) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("101", "Do_Not_Disturb")

        assert (response.status_code, response.json()) == (200, {"status": "guest_dnd_on"})
        assert zoom.fias_reports() == ["RE|RN101|RS8|"]
        assert zoom.counted(PRESENCE, "guest_dnd_on") == 1
    assert room(hotel, "101").dnd.on
    assert hotel.stored() == 2  # the check-in, and the guest's DND


async def test_the_guest_turning_the_pms_dnd_off_on_the_phone_is_reported_as_rs_10(
    hotel: Hotel,
) -> None:
    await guest_in(hotel)
    await pms_sets_dnd(hotel, "101")
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("101", "Available")

        assert response.json() == {"status": "guest_dnd_off"}
        assert zoom.fias_reports() == ["RE|RN101|RS10|"]
    assert not room(hotel, "101").dnd.on


async def test_the_guests_dnd_is_kept_by_the_reconciler_not_undone(hotel: Hotel) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        await zoom.presence("101", "Do_Not_Disturb")
        await hotel.settle()
        user = zoom.user_of_room("101")

    assert hotel.sandbox.presence(user.id)["status"] == "Do_Not_Disturb"


async def test_zooms_other_spelling_of_dnd_is_read_the_same(hotel: Hotel) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        await zoom.presence("101", "Do_No_Disturb")

        assert zoom.fias_reports() == ["RE|RN101|RS8|"]


async def test_dnd_the_connector_set_for_the_pms_is_not_echoed_back(hotel: Hotel) -> None:
    await guest_in(hotel)
    await pms_sets_dnd(hotel, "101")
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("101", "Do_Not_Disturb")

        assert response.json() == {"status": "as_wanted"}
        assert zoom.fias_reports() == []
    assert hotel.stored() == 2  # the check-in and the PMS's DND, nothing from Zoom


async def test_a_late_echo_of_the_connectors_own_dnd_is_not_taken_for_the_guest(
    hotel: Hotel,
) -> None:
    await guest_in(hotel)
    set_at = hotel.sandbox.clock.now()
    await pms_sets_dnd(hotel, "101")
    await hotel.send(dnd("101", on=False))
    await hotel.settle()
    async with zoom_for(hotel) as zoom:
        # Zoom's event for the DND set a while ago arrives after the PMS turned it off.
        response = await zoom.presence("101", "Do_Not_Disturb", at=set_at)

        assert response.json() == {"status": "stale"}
        assert zoom.fias_reports() == []
    assert not room(hotel, "101").dnd.on


async def test_the_end_of_a_pms_dnd_is_not_reported_as_the_guests_doing(hotel: Hotel) -> None:
    await guest_in(hotel)
    until = hotel.sandbox.clock.now() + timedelta(minutes=30)
    await pms_sets_dnd(hotel, "101", until=until.isoformat())
    hotel.advance(30 * 60)
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("101", "Available")

        assert response.json() == {"status": "as_wanted"}
        assert zoom.fias_reports() == []


async def test_zooms_24_hour_cap_ending_the_dnd_is_re_asserted_not_reported(
    hotel: Hotel,
) -> None:
    await guest_in(hotel)
    await pms_sets_dnd(hotel, "101")
    hotel.advance(24 * 3600)
    await hotel.connector.directory.refresh()  # as its nightly refresh would have
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("101", "Available")

        assert response.json() == {"status": "dnd_lapsed"}
        assert zoom.fias_reports() == []
    assert room(hotel, "101").dnd.on


async def test_a_zoom_retry_of_the_same_event_is_applied_once(hotel: Hotel) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        first = await zoom.presence("101", "Do_Not_Disturb", event_ts=77)
        hotel.advance(300)  # Zoom retries after five minutes, with the same body
        user = zoom.user_of_room("101")
        retry = presence_event(user.id, user.email, "Do_Not_Disturb",
                               hotel.sandbox.clock.now() - timedelta(seconds=300), 77)
        again = await zoom.post(retry)

        assert (first.status_code, again.status_code) == (200, 200)
        assert zoom.fias_reports() == ["RE|RN101|RS8|"]
    assert hotel.stored() == 2


async def test_a_retry_after_the_pms_changed_dnd_again_changes_nothing(hotel: Hotel) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        user = zoom.user_of_room("101")
        event = presence_event(user.id, user.email, "Do_Not_Disturb",
                               hotel.sandbox.clock.now(), 78)
        await zoom.post(event)
        hotel.advance(120)
        await hotel.send(dnd("101", on=False))
        await hotel.settle()
        hotel.advance(300)
        await zoom.post(event)

        assert zoom.fias_reports() == ["RE|RN101|RS8|"]
    assert not room(hotel, "101").dnd.on


async def test_a_zoom_user_that_is_no_room_is_answered_and_counted(hotel: Hotel) -> None:
    front_desk = hotel.sandbox.owner(2001)
    async with zoom_for(hotel) as zoom:
        desk = await zoom.post(presence_event(front_desk.id, None, "Do_Not_Disturb",
                                              hotel.sandbox.clock.now()))
        stranger = await zoom.post(presence_event("NoSuchUser123", None, "Available",
                                                  hotel.sandbox.clock.now()))

        assert (desk.status_code, stranger.status_code) == (200, 200)
        assert zoom.counted(PRESENCE, "not_a_room") == 2
        assert zoom.fias_reports() == []
    assert hotel.stored() == 0


async def test_a_room_found_by_email_when_zoom_names_the_user_differently(
    hotel: Hotel,
) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        user = zoom.user_of_room("101")
        await zoom.post(presence_event("IdUnknownHere", user.email, "Do_Not_Disturb",
                                       hotel.sandbox.clock.now()))

        assert zoom.fias_reports() == ["RE|RN101|RS8|"]


async def test_dnd_on_the_phone_of_a_vacant_room_is_nobodys_wish(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.presence("102", "Do_Not_Disturb")

        assert response.json() == {"status": "vacant"}
        assert zoom.fias_reports() == []


async def test_away_or_on_a_call_says_nothing_about_dnd(hotel: Hotel) -> None:
    await guest_in(hotel)
    await pms_sets_dnd(hotel, "101")
    async with zoom_for(hotel) as zoom:
        away = await zoom.presence("101", "Away")
        on_call = await zoom.presence("101", "On_Phone_Call")

        assert away.json() == on_call.json() == {"status": "no_decision"}
        assert zoom.fias_reports() == []
    assert room(hotel, "101").dnd.on


async def test_events_from_zoom_are_labelled_as_such(hotel: Hotel) -> None:
    await guest_in(hotel)
    async with zoom_for(hotel) as zoom:
        await zoom.presence("101", "Do_Not_Disturb")

    assert hotel.registry.get_sample_value("connector_events_received_total", {
        "type": "dnd", "source": "zoom", "outcome": "stored"}) == 1
