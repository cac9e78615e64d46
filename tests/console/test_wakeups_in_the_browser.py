"""The Wake-ups and Alerts pages as the front desk uses them, in a real Chromium: a wake-up
nobody answers raises an alert on every open console without a reload, someone
acknowledges it and everyone sees who and when; a wake-up set at the desk is on the board
and kept for the PMS as the WR a phone-set one is."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.async_api import Browser, expect

from tests.console.desk import Desk, artifact, needs_chromium
from tests.console.failed_wakeups import fail_wakeup
from tests.console.test_in_the_browser import sign_in
from tests.support.outbox import kept_reports
from tests.web.pms import batch, check_in

pytestmark = needs_chromium

# Counts the chimes a page plays (headless Chromium has no speaker to listen to).
COUNT_SOUNDS = """
window.chimes = 0;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.chimes += 1; return play.call(this); };
"""


async def test_an_unanswered_wake_up_alerts_every_console_at_once_until_acknowledged(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101"), check_in("102", first="Grace",
                                                          last="Hopper")))
    board = await browser.new_page(viewport={"width": 1366, "height": 800})
    await board.add_init_script(COUNT_SOUNDS)
    await sign_in(board, desk)
    await board.goto(f"{desk.url}/console/wakeups")
    banner = board.locator("#alert-banner")
    await expect(banner).to_have_text("No alerts waiting")
    await expect(banner).to_have_attribute("data-live", "open")
    sound = board.get_by_role("button", name="Sound: off")
    await sound.click()  # the desk turns the chime on (a click lets the browser play it)
    await expect(board.get_by_role("button", name="Sound: on")).to_be_visible()

    tablet = await browser.new_page(viewport={"width": 820, "height": 1180})
    await sign_in(tablet, desk)
    await tablet.goto(f"{desk.url}/console/alerts")
    await expect(tablet.locator("#alert-list")).to_contain_text("Nothing waits")
    await expect(tablet.locator("#alert-list")).to_have_attribute("data-live", "watching")

    fail_wakeup(desk.hotel, "101", datetime(2026, 3, 2, 8, 45, tzinfo=UTC))

    await expect(banner).to_contain_text("1 alert waiting for someone at the desk")
    await expect(board.locator("#live-status")).to_contain_text("New alert: 1 alert waiting")
    assert await board.evaluate("window.chimes") == 2  # the toggle's, then the alert's
    row = board.locator("#board tbody tr").first
    await expect(row).to_contain_text("Escalated")
    await expect(row).to_contain_text("last: no answer")
    await expect(tablet.locator("#alert-list")).to_contain_text(
        "Room 101: the wake-up at 08:45 UTC was not answered after 3 tries")
    await board.screenshot(path=artifact("wakeups-escalated.png"))
    await tablet.screenshot(path=artifact("alerts-waiting-tablet.png"))

    desk.hotel.advance(180)  # three minutes later someone at the desk has called the room
    await tablet.get_by_role("button", name="Acknowledge the alert for room 101").click()
    await expect(tablet.locator(".done")).to_have_text(
        "The alert for room 101 acknowledged; thank you.")
    await expect(tablet.locator("#alert-list")).to_contain_text(
        "acknowledged by maria at 09:03 UTC")

    await expect(banner).to_have_text("No alerts waiting")  # the other console, live
    await expect(row).to_contain_text("Failed")
    await expect(row).to_contain_text("alert acknowledged by maria at 09:03 UTC")
    await board.reload()  # the chime choice stays with this browser
    await expect(board.get_by_role("button", name="Sound: on")).to_be_visible()
    await tablet.screenshot(path=artifact("alerts-acknowledged-tablet.png"))


async def test_a_wake_up_set_at_the_desk_is_on_the_board_and_kept_for_the_pms_as_wr(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101")))
    page = await browser.new_page(viewport={"width": 1366, "height": 800})
    await sign_in(page, desk)
    await page.get_by_role("link", name="Wake-ups").click()
    await page.get_by_label("Room", exact=True).fill("104")
    await page.get_by_label("Time", exact=True).fill("06:30")
    await page.get_by_role("button", name="Set wake-up").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Room 104 is vacant: a wake-up is for a guest.")
    await page.screenshot(path=artifact("wakeups-refused.png"))

    await page.get_by_label("Room", exact=True).fill("101")
    await page.get_by_role("button", name="Set wake-up").click()
    await expect(page.get_by_role("status").first).to_have_text(
        "Room 101: Wake-up set; the PMS is told.")
    row = page.locator("#board tbody tr").first
    await expect(row).to_contain_text("2026-03-03 06:30 UTC")
    await expect(row).to_contain_text("Due")
    await expect(row).to_contain_text("front desk")
    await page.screenshot(path=artifact("wakeups-set.png"))
    reports = [(r.kind, r.room, r.payload["at"]) for r in kept_reports(desk.hotel.connector.store)]
    assert reports == [("wakeup_set", "101", "2026-03-03T06:30:00+00:00")]
