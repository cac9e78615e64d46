"""The console as the front desk uses it, in a real Chromium: sign in, watch the grid change
as the PMS checks a guest in, and the doors a stranger finds closed."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.console.desk import DESK, DESK_PASSWORD, Desk, artifact, needs_chromium
from tests.web.pms import batch, check_in, dnd

pytestmark = needs_chromium


async def sign_in(page: Page, desk: Desk, name: str = DESK, password: str = DESK_PASSWORD,
                  *, here: bool = False) -> None:
    """Sign in on the sign-in page (`here`: the one the browser was sent to)."""
    if not here:
        await page.goto(f"{desk.url}/console/sign-in")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_a_check_in_from_the_pms_appears_on_the_grid_without_reloading(
        desk: Desk, browser: Browser) -> None:
    page = await browser.new_page(viewport={"width": 1366, "height": 900})
    await page.goto(f"{desk.url}/console/sign-in")
    await page.screenshot(path=artifact("sign-in.png"))
    await sign_in(page, desk)
    await expect(page).to_have_url(f"{desk.url}/console/rooms")
    room = page.locator("#room-101")
    await expect(room).to_contain_text("Vacant")
    await expect(page.locator("#grid")).to_have_attribute("data-live", "open")

    guests = [{"title": "Ms", "first_name": "Ada", "last_name": "Lovelace", "vip": "GOLD"}]
    response = await desk.hotel.send(batch(check_in("101", guests=guests), dnd("102", on=True),
                                           check_in("102", first="Grace", last="Hopper")))
    assert response.status_code == 202

    await expect(room).to_contain_text("Ms Ada Lovelace")
    await expect(room).to_contain_text("VIP GOLD")
    await expect(room).to_contain_text("Zoom: waiting")
    await expect(page.locator("#room-102")).to_contain_text("DND")
    await desk.hotel.settle()  # the reconciler brings Zoom in step: the cell says so
    await expect(room).to_contain_text("Zoom: in step")
    await expect(page.locator("#live-status")).to_contain_text("updated")
    await page.wait_for_timeout(1600)  # let the "updated" flash fade before the picture
    await page.screenshot(path=artifact("rooms-grid.png"))

    tablet = await browser.new_page(viewport={"width": 820, "height": 1180})
    await sign_in(tablet, desk)
    await tablet.get_by_label("Occupied").check()
    await tablet.get_by_role("button", name="Apply").click()
    await expect(tablet.locator("#shown")).to_have_text("2 rooms")
    await tablet.screenshot(path=artifact("rooms-occupied-tablet.png"))


async def test_a_signed_out_browser_is_sent_to_sign_in_and_sees_no_guest_name(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
    page = await browser.new_page()
    for path in ("/console/rooms", "/console/rooms/101/cell", "/console/rooms?q=Lovelace"):
        await page.goto(f"{desk.url}{path}")
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert "Ada" not in await page.content()  # the search term is only what was typed
    events = await page.request.get(f"{desk.url}/console/events")
    assert events.status == 401

    await sign_in(page, desk, here=True)  # and back where she was going
    await expect(page).to_have_url(f"{desk.url}/console/rooms?q=Lovelace")
    await expect(page.locator("#room-101")).to_contain_text("Ada Lovelace")
    await expect(page.locator("#shown")).to_have_text("1 room")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.go_back()  # the browser's own history shows no stale guest list either
    await page.reload()
    assert "Ada" not in await page.content()


async def test_a_post_without_the_csrf_token_is_refused_and_does_nothing(
        desk: Desk, browser: Browser) -> None:
    page = await browser.new_page()
    await sign_in(page, desk)
    await expect(page).to_have_url(f"{desk.url}/console/rooms")
    # What a forged form would send: the session cookie goes along, the token cannot.
    status, text = await page.evaluate("""async () => {
        const response = await fetch("/console/sign-out", {method: "POST",
            headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: ""});
        return [response.status, await response.text()];
    }""")
    assert status == 403
    assert "Nothing was done" in text
    await page.reload()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # still in
    await page.set_content(text)
    await page.screenshot(path=artifact("csrf-refused.png"))


async def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
        desk: Desk, browser: Browser) -> None:
    page = await browser.new_page()
    for _ in range(4):
        await sign_in(page, desk, password="not-her-password-at-all")
        await expect(page.get_by_role("alert")).to_have_text("The name or the password is wrong.")
    await sign_in(page, desk, password="not-her-password-at-all")
    await expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    await sign_in(page, desk)  # the right password, too late
    await expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    await page.screenshot(path=artifact("locked-out.png"))
    assert page.url.endswith("/console/sign-in")

    desk.hotel.advance(15 * 60 + 1)  # the window passes
    await sign_in(page, desk)
    await expect(page).to_have_url(f"{desk.url}/console/rooms")
    actions = [e.action for e in desk.hotel.connector.store.staff.audit_entries()]
    assert actions == ["signed in", "sign-in failed; locked out", *["sign-in failed"] * 4]


async def test_a_desk_screen_signed_out_elsewhere_leaves_the_guest_list(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
    page = await browser.new_page()
    await sign_in(page, desk)
    await expect(page.locator("#room-101")).to_contain_text("Ada Lovelace")
    await expect(page.locator("#grid")).to_have_attribute("data-live", "open")

    desk.hotel.connector.store.staff.remove(DESK)  # an admin removes the account
    desk.hotel.connector.store.notices.close()  # (the stream ends as at a restart)

    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "Ada" not in await page.content()
