"""The console's doors over HTTP (no browser): when it is on, what its cookies say, what a
request without a session or a token gets, and what the audit keeps."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from connector.web.console.refusals import ConsoleRefusal
from connector.web.console.shell import Console
from tests.console.desk import ADMIN, ADMIN_PASSWORD, DESK, DESK_PASSWORD, add_staff
from tests.web.pms import Hotel, batch, check_in, open_hotel


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(http: httpx.AsyncClient, name: str = DESK,
                  password: str = DESK_PASSWORD) -> httpx.Response:
    page = await http.get("/console/sign-in")
    return await http.post("/console/sign-in", data={
        "csrf_token": form_token(page.text), "name": name, "password": password,
        "next": "/console/rooms"})


async def test_the_console_is_off_until_a_staff_account_exists(hotel: Hotel) -> None:
    off = await hotel.http.get("/console/sign-in")
    assert off.status_code == 404
    assert "connector staff add" in off.text
    add_staff(hotel)
    assert (await hotel.http.get("/console/sign-in")).status_code == 200


async def test_the_session_cookie_is_http_only_strict_and_scoped_to_the_console(
        hotel: Hotel) -> None:
    add_staff(hotel)
    signed_in = await sign_in(hotel.http)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/console/rooms"
    cookie = signed_in.headers["set-cookie"]
    assert "console_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie
    pages = await hotel.http.get("/console/rooms")
    assert pages.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in pages.headers["content-security-policy"]


async def test_over_https_the_cookie_is_secure(tmp_path: Path) -> None:
    async with open_hotel(tmp_path, CONNECTOR_CONSOLE__SECURE_COOKIE="true") as hotel:
        add_staff(hotel)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotel.app),
                                     base_url="https://connector") as https:
            signed_in = await sign_in(https)
        assert signed_in.status_code == 303
        assert "Secure" in signed_in.headers["set-cookie"]


async def test_a_sign_in_post_without_its_token_is_refused(hotel: Hotel) -> None:
    add_staff(hotel)
    forged = await hotel.http.post("/console/sign-in",
                                   data={"name": DESK, "password": DESK_PASSWORD})
    assert forged.status_code == 403
    assert "Nothing was done" in forged.text
    assert "console_session" not in forged.headers.get("set-cookie", "")


async def test_the_audit_names_the_staff_member_never_the_guest(hotel: Hotel) -> None:
    add_staff(hotel)
    await hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
    await sign_in(hotel.http)
    rooms = await hotel.http.get("/console/rooms")
    assert "Ada Lovelace" in rooms.text
    out = await hotel.http.post("/console/sign-out", data={"csrf_token": form_token(rooms.text)})
    assert out.status_code == 303
    assert (await hotel.http.get("/console/rooms")).status_code == 303  # to sign-in
    audit = hotel.connector.store.staff.audit_entries()
    assert [(e.staff, e.action) for e in audit] == [(DESK, "signed out"), (DESK, "signed in")]
    assert not any("Lovelace" in f"{e.action} {e.detail}" for e in audit)


async def test_a_room_cell_for_a_room_the_hotel_does_not_have_is_not_found(
        hotel: Hotel) -> None:
    add_staff(hotel)
    await sign_in(hotel.http)
    missing = await hotel.http.get("/console/rooms/9999/cell")
    assert missing.status_code == 404
    assert "There is no room 9999 here." in missing.text



def request_with(cookie: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/console/health",
                    "query_string": b"", "headers": [(b"cookie", cookie.encode())]})


async def test_an_admin_page_lets_the_it_person_in_and_refuses_a_desk_account(
        hotel: Hotel) -> None:
    add_staff(hotel)
    console: Console = hotel.app.state.console_door.console
    await sign_in(hotel.http)
    desk_cookie = f"console_session={hotel.http.cookies['console_session']}"
    with pytest.raises(ConsoleRefusal) as refused:
        console.admin(request_with(desk_cookie))
    assert refused.value.status == 403

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotel.app),
                                 base_url="http://connector") as it_person:
        await sign_in(it_person, ADMIN, ADMIN_PASSWORD)
        admin_cookie = f"console_session={it_person.cookies['console_session']}"
    assert console.admin(request_with(admin_cookie)).name == ADMIN


async def test_a_wrong_console_address_gets_a_page_not_the_api_error(hotel: Hotel) -> None:
    add_staff(hotel)
    missing = await hotel.http.get("/console/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "There is no such page in the console." in missing.text
    assert (await hotel.http.get("/console/sign-out")).status_code == 405
    api = await hotel.http.get("/v1/no-such-thing")
    assert api.json()["error"]["code"] == "not_found"


async def test_the_cells_of_a_live_event_come_in_one_request_for_staff_only(
        hotel: Hotel) -> None:
    add_staff(hotel)
    await hotel.send(batch(check_in("101", first="Ada", last="Lovelace"),
                           check_in("102", first="Grace", last="Hopper")))
    asked = "/console/rooms/cells?room=102&room=101&room=9999&room=102"
    signed_out = await hotel.http.get(asked)
    assert signed_out.status_code == 303  # to sign-in
    assert "Lovelace" not in signed_out.text and "Hopper" not in signed_out.text

    await sign_in(hotel.http)
    cells = await hotel.http.get(asked)
    assert cells.status_code == 200
    # each room once, in the order asked; a room the hotel does not have is left out
    assert re.findall(r'<li id="room-(\w+)"', cells.text) == ["102", "101"]
    assert "Grace Hopper" in cells.text and "Ada Lovelace" in cells.text
    assert cells.headers["cache-control"] == "no-store"

    filtered = await hotel.http.get(asked + "&q=Hopper")
    assert re.findall(r'<li id="room-(\w+)"[^>]*\bhidden\b', filtered.text) == ["101"]

    too_many = "&".join(f"room={n}" for n in range(1000, 1201))
    assert (await hotel.http.get(f"/console/rooms/cells?{too_many}")).status_code == 400



async def test_an_alert_address_that_is_not_a_number_is_a_missing_page(hotel: Hotel) -> None:
    add_staff(hotel)
    await sign_in(hotel.http)
    odd = await hotel.http.post("/console/alerts/first/acknowledge")
    assert odd.status_code == 404
    assert odd.headers["content-type"].startswith("text/html")
    assert "There is no such page in the console." in odd.text
