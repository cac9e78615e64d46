"""A hotel LAN has no internet: every page of the console, and everything it loads (scripts,
styles, sounds, fonts, images), comes from the connector itself. Checked twice: by reading
the pages and the static files for addresses that leave the connector, and in Chromium with
every request to another host refused, where the pages must still look and work as they do."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from playwright.async_api import Browser, Request, Route, expect
from playwright.async_api import Error as PlaywrightError

from connector.web.console.nav import NAV
from tests.console.desk import (
    ADMIN,
    ADMIN_PASSWORD,
    Desk,
    add_staff,
    artifact,
    needs_chromium,
)
from tests.console.test_over_http import sign_in
from tests.web.pms import Hotel, batch, check_in

# An address that names a host: scheme://, scheme-relative //host, or a data-less scheme a
# page could fetch from (the console needs none of them).
ELSEWHERE = re.compile(r"""(?:https?|wss?|ftp):|(?<![:/])//[A-Za-z0-9.-]+""")
# Where an HTML page or a stylesheet names something to load.
LOADS = re.compile(r"""(?:src|href|action|poster|srcset|data)\s*=\s*["']([^"']*)["']"""
                   r"""|url\(\s*["']?([^"')]*)|@import\s+["']([^"']*)""", re.IGNORECASE)
TEXT_ASSETS = {".css", ".js", ".html", ".svg", ".json", ".txt"}


def outside_addresses(text: str) -> list[str]:
    """What `text` (HTML or CSS) would load from another host."""
    found = [next(group for group in match.groups() if group is not None)
             for match in LOADS.finditer(text)]
    return [address for address in found if ELSEWHERE.match(address.strip())]


def signed_in_pages() -> list[str]:
    """Every page in the navigation (a page another slice adds is checked too)."""
    return [item.path for item in NAV]


def test_the_scan_finds_what_a_cdn_would_be() -> None:
    page = ('<link rel="stylesheet" href="https://cdn.example/x.css">'
            '<script src="//unpkg.com/htmx.org"></script><a href="/console/rooms">')
    css = "@import 'http://fonts.example/f.css'; .a { background: url(/console/static/a.png) }"
    assert outside_addresses(page) == ["https://cdn.example/x.css", "//unpkg.com/htmx.org"]
    assert outside_addresses(css) == ["http://fonts.example/f.css"]


def test_the_static_files_name_no_other_host() -> None:
    static = files("connector.web.console") / "static"
    scanned = [path for path in Path(str(static)).rglob("*") if path.suffix in TEXT_ASSETS]
    assert any(path.suffix == ".css" for path in scanned)
    for path in scanned:
        text = path.read_text(encoding="utf-8")
        assert outside_addresses(text) == [], path.name
        # Scripts: no fetch, EventSource or import of a full address either.
        assert not re.search(r"""["'](?:https?|wss?):""", text), path.name


async def test_every_page_loads_only_from_the_connector(hotel: Hotel) -> None:
    add_staff(hotel)
    await hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
    signed_out = await hotel.http.get("/console/sign-in")
    assert signed_out.status_code == 200
    assert outside_addresses(signed_out.text) == []
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)  # an admin sees every page
    for path in signed_in_pages():
        page = await hotel.http.get(path)
        assert page.status_code == 200, path
        assert outside_addresses(page.text) == [], path
    missing = await hotel.http.get("/console/no-such-page")  # the error page, too
    assert missing.status_code == 404
    assert outside_addresses(missing.text) == []


@needs_chromium
async def test_with_the_internet_cut_off_the_console_looks_and_works_the_same(
        desk: Desk, browser: Browser) -> None:
    refused: list[str] = []

    async def local_only(route: Route, request: Request) -> None:
        if request.url.startswith(desk.url + "/"):
            await route.continue_()
        else:
            refused.append(request.url)
            await route.abort("internetdisconnected")

    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    await context.route("**/*", local_only)
    page = await context.new_page()
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    await page.goto(f"{desk.url}/console/sign-in")
    await page.get_by_label("Name").fill(ADMIN)
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    for path in signed_in_pages():
        await page.goto(f"{desk.url}{path}")
        await expect(page.locator("h1")).to_be_visible()
        # The stylesheet came (the dark header band is console.css's).
        band = await page.locator("header.top").evaluate(
            "element => getComputedStyle(element).backgroundColor")
        assert band == "rgb(16, 36, 62)", path
    await page.goto(f"{desk.url}/console/rooms")
    await expect(page.locator("#grid")).to_have_attribute("data-live", "open")
    await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
    await expect(page.locator("#room-101")).to_contain_text("Ada Lovelace")  # live, offline
    await page.screenshot(path=artifact("rooms-offline.png"))
    assert refused == []
    assert any(url.endswith("/console/static/console.css") for url in loaded)
    assert any(url.endswith("/console/static/live.js") for url in loaded)
    # And the cut is real: anything from elsewhere fails in this browser.
    with pytest.raises(PlaywrightError):
        await page.goto("https://cdn.example/htmx.min.js")
    assert refused == ["https://cdn.example/htmx.min.js"]
    await context.close()
