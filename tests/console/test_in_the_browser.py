"""The console as the front desk uses it, in a real Chromium: sign in, watch the grid change
as the PMS checks a guest in, and the doors a stranger finds closed."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.console.desk import DESK, DESK_PASSWORD, Desk, artifact, needs_chromium
from tests.web.pms import batch, check_in

pytestmark = needs_chromium


async def sign_in(page: Page, desk: Desk, name: str = DESK,
                  password: str = DESK_PASSWORD) -> None:
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

    response = await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace",
                                                    )))
    assert response.status_code == 202

    await expect(room).to_contain_text("Ada Lovelace")
    await expect(room).to_contain_text("Zoom: waiting")
    await desk.hotel.settle()  # the reconciler brings Zoom in step: the cell says so
    await expect(room).to_contain_text("Zoom: in step")
    await page.screenshot(path=artifact("rooms-grid.png"), full_page=False)
