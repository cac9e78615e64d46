"""One room's page over HTTP (no browser): what the desk reads there, and its actions — DND,
housekeeping, re-sync — each stored once through the durable ingest as the console's,
reported to the PMS and audited with the staff member's name."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from connector.hotel_time import hotel_time
from connector.store.audit import AuditEntry
from tests.console.desk import DESK, add_staff
from tests.console.failed_wakeups import RETRY, fail_wakeup
from tests.console.test_over_http import sign_in
from tests.web.pms import Hotel, batch, check_in


def room_form(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form posting to `action` (token, submission key)."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html,
                     re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


async def desk_on_room(hotel: Hotel, room: str = "101") -> httpx.Response:
    add_staff(hotel)
    await sign_in(hotel.http)
    return await hotel.http.get(f"/console/rooms/{room}")


def console_events(hotel: Hotel, room: str, kind: str) -> list[str]:
    """The console's events of `kind` the room took (a repeat is logged as a duplicate)."""
    return [e.event_id for e in hotel.connector.store.room_events(room)
            if e.source == "console" and e.type == kind and e.outcome != "duplicate"]


def told_the_pms(hotel: Hotel, room: str) -> list[AuditEntry]:
    return [e for e in hotel.connector.store.audit(room, since=None, tz=hotel.connector.tz)
            if e.kind == "report"]


async def test_the_room_page_shows_its_guests_and_what_happened_without_names_in_the_history(
        hotel: Hotel) -> None:
    guests = [{"title": "Ms", "first_name": "Ada", "last_name": "Lovelace", "vip": "GOLD"}]
    await hotel.send(batch(check_in("101", guests=guests)))
    await hotel.settle()

    page = await desk_on_room(hotel)

    assert page.status_code == 200
    assert "Ms Ada Lovelace" in page.text and "VIP GOLD" in page.text
    assert "Reservation R-101" in page.text
    history = page.text.split('id="h-event"', 1)[1]
    assert "check in event for reservation R-101" in history
    assert "PMS (webhook)" in history
    assert "Lovelace" not in history  # names only in the guests' list
    assert "Zoom: " not in history and "<strong>in step</strong>" in page.text


async def test_dnd_on_from_the_console_is_one_event_reported_to_the_pms_even_if_sent_twice(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    page = await desk_on_room(hotel)
    form = room_form(page.text, "/console/rooms/101/dnd")
    assert form["on"] == "1"

    first = await hotel.http.post("/console/rooms/101/dnd", data=form)
    again = await hotel.http.post("/console/rooms/101/dnd", data=form)  # a double click

    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == "/console/rooms/101?done=dnd-on"
    assert again.headers["location"] == "/console/rooms/101?done=repeat"
    assert len(console_events(hotel, "101", "dnd")) == 1
    state = hotel.connector.store.room("101")
    assert state is not None and state.dnd.on
    reports = told_the_pms(hotel, "101")
    assert [r.what for r in reports] == ["guest service status 8 (do not disturb on)"]
    assert [(e.staff, e.action) for e in
            hotel.connector.store.staff.audit_entries(room="101")] == [(DESK, "dnd on")]
    shown = await hotel.http.get(again.headers["location"])
    assert "it was done once, not again" in shown.text
    assert "Turn do not disturb off" in shown.text  # the next form turns it off


async def test_housekeeping_set_at_the_desk_is_recorded_and_reported_as_the_phone_does(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    page = await desk_on_room(hotel)
    form = {**room_form(page.text, "/console/rooms/101/housekeeping"), "status": "clean"}

    done = await hotel.http.post("/console/rooms/101/housekeeping", data=form)
    await hotel.http.post("/console/rooms/101/housekeeping", data=form)

    assert done.headers["location"] == "/console/rooms/101?done=hk-clean"
    assert len(console_events(hotel, "101", "housekeeping")) == 1
    state = hotel.connector.store.room("101")
    assert state is not None and state.housekeeping is not None
    assert state.housekeeping.status == "clean" and state.housekeeping.source == "console"
    assert state.housekeeping.maid_status == 4  # clean and occupied, as FIAS RS says it
    assert len(told_the_pms(hotel, "101")) == 1
    shown = await hotel.http.get(done.headers["location"])
    assert 'id="hk-state">clean<' in shown.text
    # Back on the same page, another status chosen: a new wish, not a repeat.
    changed = await hotel.http.post("/console/rooms/101/housekeeping",
                                    data={**form, "status": "inspected"})
    assert changed.headers["location"] == "/console/rooms/101?done=hk-inspected"
    assert len(console_events(hotel, "101", "housekeeping")) == 2


async def test_a_re_sync_brings_a_hand_edited_room_back_in_step(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    await hotel.settle()
    page = await desk_on_room(hotel)
    form = room_form(page.text, "/console/rooms/101/resync")

    done = await hotel.http.post("/console/rooms/101/resync", data=form)
    repeat = await hotel.http.post("/console/rooms/101/resync", data=form)

    assert done.headers["location"].endswith("done=resync")
    assert repeat.headers["location"].endswith("done=repeat")
    assert "101" in hotel.connector.store.dirty_rooms()  # kept on disk until Zoom confirms
    await hotel.settle()
    assert "101" not in hotel.connector.store.dirty_rooms()
    assert [e.action for e in hotel.connector.store.staff.audit_entries(room="101")] == [
        "re-sync with Zoom"]


async def test_an_action_without_the_token_or_the_key_does_nothing(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    page = await desk_on_room(hotel)
    form = room_form(page.text, "/console/rooms/101/dnd")

    no_token = await hotel.http.post("/console/rooms/101/dnd",
                                     data={**form, "csrf_token": ""})
    no_key = await hotel.http.post("/console/rooms/101/dnd", data={**form, "submission": ""})
    no_room = await hotel.http.post("/console/rooms/9999/dnd", data=form)

    assert (no_token.status_code, no_key.status_code, no_room.status_code) == (403, 503, 404)
    assert console_events(hotel, "101", "dnd") == []
    assert hotel.connector.store.staff.audit_entries(room="101") == []


async def test_the_room_page_lists_each_call_of_a_wakeup_in_hotel_time_and_how_it_ended(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    at = hotel.sandbox.clock.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    fail_wakeup(hotel, "101", at, in_time=True)

    page = await desk_on_room(hotel)

    wakeups = page.text.split('id="wakeups-heading"', 1)[1].split("</section>", 1)[0]
    calls = re.findall(r"<li>(call \d at [^<]*)</li>", wakeups)
    times = [hotel_time(at + n * RETRY, hotel.connector.tz, same_day_as=at) for n in range(3)]
    assert calls == [f"call {n + 1} at {time}: no answer" for n, time in enumerate(times)]
