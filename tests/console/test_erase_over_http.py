"""Erasing a departed guest's personal data from the console, over HTTP (no browser): only an
admin sees and uses it, it asks first, it is CSRF-checked, a guest still in house is refused,
and what was erased is shown and audited with the admin's name — never the guest's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.console.desk import ADMIN, ADMIN_PASSWORD, add_staff
from tests.console.test_over_http import sign_in
from tests.console.test_room_page import room_form
from tests.privacy.test_erase import cli
from tests.web.pms import Hotel, batch, check_in, check_out

ERASE = "/console/rooms/101/erase"


def named_bodies(hotel: Hotel) -> int:
    with sqlite3.connect(Path(hotel.settings.store.path)) as conn:
        return sum("Lovelace" in body for (body,) in conn.execute("SELECT body FROM inbox"))


async def a_departed_guest(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101", last="Lovelace"), check_out("101")))
    await hotel.settle()
    add_staff(hotel)


async def test_an_admin_erases_a_departed_stay_after_confirming_and_sees_what_went(
        hotel: Hotel) -> None:
    await a_departed_guest(hotel)
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)

    room = await hotel.http.get("/console/rooms/101")
    assert f'href="{ERASE}"' in room.text
    stays = await hotel.http.get(ERASE)
    assert stays.status_code == 200
    assert f'href="{ERASE}?reservation=R-101"' in stays.text
    assert "Erase now" not in stays.text  # nothing is erased from the list itself
    assert named_bodies(hotel) == 1

    confirm = await hotel.http.get(f"{ERASE}?reservation=R-101")
    assert "Erase reservation R-101?" in confirm.text
    erased = await hotel.http.post(ERASE, data=room_form(confirm.text, ERASE))

    assert erased.status_code == 303
    shown = await hotel.http.get(erased.headers["location"])
    assert ("Erased personal data of reservation R-101: event bodies: 1, calls: 0, "
            "postings: 0, journal entries: 0.") in shown.text
    assert "Lovelace" not in shown.text
    assert named_bodies(hotel) == 0
    [entry] = [e for e in hotel.connector.store.audit("101", since=None, tz=hotel.connector.tz)
               if e.kind == "erasure"]
    assert (entry.by, entry.why) == (f"staff: {ADMIN}", "on request, from the console")
    room = await hotel.http.get("/console/rooms/101")
    history = room.text.split('id="h-erasure"', 1)[1]
    assert "on request, from the console" in history
    trail = cli(Path(hotel.settings.store.path), "audit", "101")
    assert (f"staff: {ADMIN}: erased personal data of reservation R-101: event bodies: 1, "
            "calls: 0, postings: 0, journal entries: 0 (on request, from the console)"
            ) in trail.output
    assert "Lovelace" not in trail.output


async def test_a_desk_account_neither_sees_nor_may_use_the_erasure(hotel: Hotel) -> None:
    await a_departed_guest(hotel)
    await sign_in(hotel.http)  # maria, desk

    room = await hotel.http.get("/console/rooms/101")
    page = await hotel.http.get(f"{ERASE}?reservation=R-101")
    token = room_form(room.text, "/console/rooms/101/resync")["csrf_token"]
    post = await hotel.http.post(ERASE, data={"csrf_token": token, "reservation": "R-101"})

    assert room.status_code == 200 and ERASE not in room.text
    assert page.status_code == post.status_code == 403
    assert named_bodies(hotel) == 1
    assert hotel.connector.store.staff.audit_entries(room="101") == []


async def test_an_erasure_without_the_forms_token_erases_nothing(hotel: Hotel) -> None:
    await a_departed_guest(hotel)
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)

    forged = await hotel.http.post(ERASE, data={"reservation": "R-101"})

    assert forged.status_code == 403
    assert named_bodies(hotel) == 1


async def test_a_guest_still_in_house_is_not_offered_and_a_post_is_refused(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101", last="Lovelace")))
    await hotel.settle()
    add_staff(hotel)
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)

    stays = await hotel.http.get(ERASE)
    confirm = await hotel.http.get(f"{ERASE}?reservation=R-101")
    assert f'action="{ERASE}"' not in stays.text + confirm.text  # no form to erase with
    assert "in house" in stays.text and "?reservation=R-101" not in stays.text
    assert "still in house" in confirm.text and "Erase now" not in confirm.text
    room = await hotel.http.get("/console/rooms/101")
    csrf = room_form(room.text, "/console/rooms/101/resync")["csrf_token"]
    refused = await hotel.http.post(ERASE, data={"csrf_token": csrf, "reservation": "R-101"})

    assert refused.status_code == 409
    assert "Check the guest out first" in refused.text
    assert named_bodies(hotel) == 1


async def test_a_reservation_that_never_stayed_in_the_room_is_not_found(hotel: Hotel) -> None:
    await a_departed_guest(hotel)
    await hotel.send(batch(check_in("102", last="Hopper"), check_out("102")))
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)
    room = await hotel.http.get("/console/rooms/101")
    csrf = room_form(room.text, "/console/rooms/101/resync")["csrf_token"]

    wrong = await hotel.http.post(ERASE, data={"csrf_token": csrf, "reservation": "R-102"})

    assert wrong.status_code == 404
    assert not [e for e in hotel.connector.store.staff.audit_entries() if e.room]
