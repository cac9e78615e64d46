"""A departed guest asks to be forgotten: in a real Chromium the IT person opens the room,
chooses the stay, confirms, and reads what was erased; the front desk never sees the
control."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.console.desk import ADMIN, ADMIN_PASSWORD, Desk, artifact, needs_chromium
from tests.console.test_in_the_browser import sign_in
from tests.web.pms import batch, check_in, check_out

pytestmark = needs_chromium


async def test_the_it_person_erases_a_departed_guest_and_the_desk_cannot(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101", last="Lovelace"), check_out("101"),
                                check_in("102", first="Grace", last="Hopper")))
    await desk.hotel.settle()

    maria = await browser.new_page()
    await sign_in(maria, desk)
    await maria.goto(f"{desk.url}/console/rooms/101")
    await expect(maria.get_by_role("heading", name="Room 101")).to_be_visible()
    await expect(maria.get_by_role("link", name="Erase a guest's personal data…")).to_have_count(0)
    refused = await maria.goto(f"{desk.url}/console/rooms/101/erase")
    assert refused is not None and refused.status == 403

    page = await browser.new_page(viewport={"width": 1366, "height": 900})
    await sign_in(page, desk, ADMIN, ADMIN_PASSWORD)
    await page.goto(f"{desk.url}/console/rooms/101")
    await page.get_by_role("link", name="Erase a guest's personal data…").click()
    await expect(page.get_by_role("heading", name="The room's latest stays")).to_be_visible()
    await page.get_by_role("link", name="Erase…").click()
    await expect(page.get_by_role("heading", name="Erase reservation R-101?")).to_be_visible()
    await page.screenshot(path=artifact("erase-confirm.png"), full_page=True)
    await page.get_by_role("button", name="Erase now").click()

    await expect(page.locator("p.done")).to_have_text(
        "Erased personal data of reservation R-101: event bodies: 1, calls: 0, postings: 0, "
        "journal entries: 0.")
    await expect(page.locator("tbody tr").first).to_contain_text("erased")
    await expect(page.get_by_role("link", name="Erase…")).to_have_count(0)  # nothing left
    await page.screenshot(path=artifact("erase-done.png"), full_page=True)

    # The guest in 102 is still in house: offered nothing to erase.
    await page.goto(f"{desk.url}/console/rooms/102/erase")
    await expect(page.locator("tbody tr").first).to_contain_text("in house")
    await expect(page.get_by_role("link", name="Erase…")).to_have_count(0)
    await page.goto(f"{desk.url}/console/rooms/101")
    await expect(page.locator("#trail-erasure")).to_contain_text(f"staff: {ADMIN}")
