"""The desk sets, changes and cancels wake-ups, and acknowledges alerts, over HTTP (no
browser): what is stored, what the PMS is told (WR / WC, as for a wake-up the guest sets on
the phone), what is audited, and the refusals a desk agent reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from tests.console.desk import DESK, add_staff
from tests.console.failed_wakeups import fail_wakeup
from tests.console.test_over_http import form_token, sign_in
from tests.support.outbox import kept_reports
from tests.web.pms import Hotel, batch, check_in

# The sandbox's frozen clock starts on Monday 2026-03-02 at 09:00 UTC (the hotel's zone).
TODAY = "2026-03-02"


async def desk_on_wakeups(hotel: Hotel) -> str:
    """Maria signed in on the Wake-ups page; the page's HTML."""
    add_staff(hotel)
    await sign_in(hotel.http)
    page = await hotel.http.get("/console/wakeups")
    assert page.status_code == 200
    return page.text


def request_id(html: str) -> str:
    found = re.search(r'name="request" value="([^"]+)"', html)
    assert found, "no request id on the form"
    return found.group(1)


async def set_wakeup(hotel: Hotel, html: str, room: str, time: str, date: str = "",
                     request: str | None = None) -> httpx.Response:
    return await hotel.http.post("/console/wakeups", data={
        "csrf_token": form_token(html), "request": request or request_id(html),
        "room": room, "time": time, "date": date})


def wakeup_reports(hotel: Hotel) -> list[tuple[str, str, object]]:
    return [(r.kind, r.room, r.payload["at"]) for r in kept_reports(hotel.connector.store)
            if r.kind in ("wakeup_set", "wakeup_clear")]


async def test_a_wake_up_set_at_the_desk_is_stored_told_to_the_pms_and_audited(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)

    done = await set_wakeup(hotel, html, "101", "06:30")
    assert done.status_code == 303
    assert done.headers["location"] == "/console/wakeups?done=set&room=101"

    state = hotel.connector.store.room("101")
    assert state is not None
    # 06:30 today has passed at 09:00: the next 06:30 is tomorrow's.
    assert [w.at for w in state.wakeups] == [datetime(2026, 3, 3, 6, 30, tzinfo=UTC)]
    assert wakeup_reports(hotel) == [("wakeup_set", "101", "2026-03-03T06:30:00+00:00")]
    events = hotel.connector.store.room_events("101", limit=1)
    assert events[0].source == "console"
    audit = hotel.connector.store.staff.audit_entries(room="101")
    assert [(e.staff, e.action) for e in audit] == [(DESK, "wake-up set")]
    board = await hotel.http.get("/console/wakeups?done=set&room=101")
    assert "Room 101: Wake-up set; the PMS is told." in board.text
    assert "2026-03-03 06:30 UTC" in board.text and "front desk" in board.text


async def test_the_same_form_sent_twice_sets_one_wake_up_and_tells_the_pms_once(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)
    await set_wakeup(hotel, html, "101", "10:15")
    again = await set_wakeup(hotel, html, "101", "10:15")
    assert again.status_code == 400 and "already has a wake-up at 10:15" in again.text
    assert wakeup_reports(hotel) == [("wakeup_set", "101", "2026-03-02T10:15:00+00:00")]


async def test_an_old_form_sent_again_after_its_wake_up_was_cancelled_does_nothing(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)
    await set_wakeup(hotel, html, "101", "10:15", request="the-set-form-of-this-morning")
    await hotel.http.post("/console/wakeups/cancel", data={
        "csrf_token": form_token(html), "request": "the-cancel-form-on-the-board",
        "room": "101", "at": "2026-03-02T10:15:00+00:00"})
    again = await set_wakeup(hotel, html, "101", "10:15", request="the-set-form-of-this-morning")
    assert again.headers["location"] == "/console/wakeups?done=again&room=101"
    state = hotel.connector.store.room("101")
    assert state is not None and state.wakeups == ()
    assert [kind for kind, _, _ in wakeup_reports(hotel)] == ["wakeup_set", "wakeup_clear"]
    actions = [e.action for e in hotel.connector.store.staff.audit_entries(room="101")]
    assert actions == ["wake-up cancelled", "wake-up set"]


async def test_a_change_clears_the_old_time_and_sets_the_new_one_as_the_phone_does(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)
    await set_wakeup(hotel, html, "101", "10:15")
    board = (await hotel.http.get("/console/wakeups")).text
    changed = await hotel.http.post("/console/wakeups/change", data={
        "csrf_token": form_token(board), "request": "the-change-form-on-the-board", "room": "101",
        "at": "2026-03-02T10:15:00+00:00", "time": "11:00"})
    assert changed.status_code == 303
    state = hotel.connector.store.room("101")
    assert state is not None and [w.at.hour for w in state.wakeups] == [11]
    assert wakeup_reports(hotel) == [("wakeup_set", "101", "2026-03-02T10:15:00+00:00"),
                                     ("wakeup_clear", "101", "2026-03-02T10:15:00+00:00"),
                                     ("wakeup_set", "101", "2026-03-02T11:00:00+00:00")]

    cancelled = await hotel.http.post("/console/wakeups/cancel", data={
        "csrf_token": form_token(board), "request": "the-cancel-form-on-the-board", "room": "101",
        "at": "2026-03-02T11:00:00+00:00"})
    assert cancelled.status_code == 303
    state = hotel.connector.store.room("101")
    assert state is not None and state.wakeups == ()
    assert wakeup_reports(hotel)[-1] == ("wakeup_clear", "101", "2026-03-02T11:00:00+00:00")
    actions = [e.action for e in hotel.connector.store.staff.audit_entries(room="101")]
    assert actions == ["wake-up cancelled", "wake-up changed", "wake-up set"]


async def test_the_desk_is_told_why_a_wake_up_cannot_be_set_and_nothing_is_done(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)
    refusals = {
        ("999", "07:00", ""): "There is no room 999 in this hotel&#39;s room map",
        ("102", "07:00", ""): "Room 102 is vacant: a wake-up is for a guest.",
        ("101", "08:00", TODAY): "2026-03-02 08:00 UTC has passed.",
        ("101", "7 o'clock", ""): "Type the time as hours and minutes, e.g. 06:30.",
        ("101", "07:00", "2027-06-01"): "more than a year ahead",
    }
    for (room, time, date), said in refusals.items():
        refused = await set_wakeup(hotel, html, room, time, date)
        assert refused.status_code == 400, said
        assert said in refused.text and "Nothing was done." in refused.text
    assert wakeup_reports(hotel) == []
    assert hotel.connector.store.staff.audit_entries(room="101") == []


async def test_without_the_csrf_token_no_wake_up_is_set(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    html = await desk_on_wakeups(hotel)
    forged = await hotel.http.post("/console/wakeups", data={
        "request": request_id(html), "room": "101", "time": "10:15"})
    assert forged.status_code == 403
    state = hotel.connector.store.room("101")
    assert state is not None and state.wakeups == ()
    assert wakeup_reports(hotel) == []


async def test_an_acknowledged_alert_says_who_and_when_and_is_audited(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    alert_id = fail_wakeup(hotel, "101", datetime(2026, 3, 2, 8, 45, tzinfo=UTC))
    html = await desk_on_wakeups(hotel)
    assert "1 alert</strong> waiting" in html  # the banner, on every page
    page = await hotel.http.get("/console/alerts")
    assert ("Room 101: the wake-up at 08:45 UTC was not answered after 3 tries "
            "(last: no answer)") in page.text

    hotel.advance(120)
    acknowledged = await hotel.http.post(f"/console/alerts/{alert_id}/acknowledge",
                                         data={"csrf_token": form_token(page.text)})
    assert acknowledged.status_code == 303
    after = await hotel.http.get(acknowledged.headers["location"])
    assert "The alert for room 101 acknowledged; thank you." in after.text
    assert "acknowledged by maria at 09:02 UTC" in after.text
    assert "No alerts waiting" in after.text
    alert = hotel.connector.store.alert(alert_id)
    assert alert is not None and alert.acknowledged_by == DESK
    audit = hotel.connector.store.staff.audit_entries(room="101")
    assert [(e.staff, e.action) for e in audit] == [(DESK, "alert acknowledged")]

    twice = await hotel.http.post(f"/console/alerts/{alert_id}/acknowledge",
                                  data={"csrf_token": form_token(page.text)})
    assert twice.headers["location"].endswith("done=already&room=101")
    assert len(hotel.connector.store.staff.audit_entries(room="101")) == 1


async def test_the_alert_chime_is_a_short_wav_served_by_the_connector(hotel: Hotel) -> None:
    add_staff(hotel)
    chime = await hotel.http.get("/console/chime.wav")
    assert chime.headers["content-type"] == "audio/wav"
    assert chime.content[:4] == b"RIFF" and chime.content[8:12] == b"WAVE"
    assert 5_000 < len(chime.content) < 20_000



async def test_the_board_shows_one_state_at_a_time_with_a_count_for_each(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101"), check_in("102"), check_in("103")))
    fail_wakeup(hotel, "102", datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    html = await desk_on_wakeups(hotel)
    await set_wakeup(hotel, html, "101", "10:15")
    await set_wakeup(hotel, html, "103", "11:30", request="another-form-on-the-page")
    everything = (await hotel.http.get("/console/wakeups")).text
    assert re.search(r">Due <span class=\"n\">2</span>", everything)
    assert re.search(r">Escalated <span class=\"n\">1</span>", everything)
    escalated = (await hotel.http.get("/console/wakeups?show=escalated")).text
    rows = re.findall(r'<tr id="wakeup-(\d+)-', escalated)
    assert rows == ["102"]
    part = await hotel.http.get("/console/wakeups/board?show=due")
    assert re.findall(r'<tr id="wakeup-(\d+)-', part.text) == ["101", "103"]
    assert "<html" not in part.text  # the part alone, for the live update


async def test_the_grid_marks_a_room_whose_wake_up_failed_today(hotel: Hotel) -> None:
    guests = [{"title": "Mr", "first_name": "Alan", "last_name": "Turing", "vip": "VIP"}]
    await hotel.send(batch(check_in("101", guests=guests), check_in("102")))
    fail_wakeup(hotel, "101", datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    add_staff(hotel)
    await sign_in(hotel.http)
    grid = (await hotel.http.get("/console/rooms")).text
    cell = grid[grid.index('id="room-101"'):grid.index('id="room-102"')]
    assert "wake-up failed" in cell and ">VIP<" in cell and "VIP VIP" not in cell
    assert "wake-up failed" not in grid[grid.index('id="room-102"'):]
    live = (await hotel.http.get("/console/rooms/101/cell")).text  # what the live update sends
    assert "wake-up failed" in live
