"""Accessibility of the console, for a desk screen, a tablet and a keyboard: the colours of
console.css are readable (WCAG AA), every page has a language, one h1, a label on every
control and a name on every button and link, the keyboard focus shows, and the grid fits a
tablet's width without sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from connector.web.console.nav import NAV
from tests.console.contrast import contrast, resolve, stylesheet, variables
from tests.console.desk import ADMIN, ADMIN_PASSWORD, Desk, artifact, needs_chromium
from tests.web.pms import batch, check_in, dnd

AA_TEXT = 4.5
AA_FOCUS = 3.0  # WCAG 1.4.11: a focus indicator against what is around it

# (text, background, where): the pairs the console's pages put together.
MAIN_PAIRS = [
    ("--ink", "white", "body text"),
    ("--muted", "white", "hints, counts, 'Vacant'"),
    ("--accent", "white", "links"),
    ("white", "--accent", "buttons"),
    ("--bad", "white", "problems, Zoom failed"),
    ("--warn", "white", "housekeeping, Zoom waiting"),
    ("--ok", "white", "Zoom in step"),
    *[(text, ground, f"text in an {ground[2:]} room")
      for ground in ("--occupied", "--dnd")
      for text in ("--ink", "--muted", "--warn", "--ok", "--bad", "--accent")],
    ("white", "--bad", "the DND badge"),
]


def literal(css: str, selector: str, prop: str) -> str:
    """The colour `selector`'s rule gives `prop` in console.css, as written there."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert rule, f"no rule for {selector}"
    value = re.search(rf"(?<![-\w]){prop}\s*:\s*(#[0-9a-fA-F]{{3,6}})", rule.group(1))
    assert value, f"{selector} has no {prop}"
    return value.group(1)


def test_the_main_colours_of_the_stylesheet_are_readable() -> None:
    css = stylesheet()
    named = variables(css)
    pairs = [(resolve(text, named), resolve(ground, named), where)
             for text, ground, where in MAIN_PAIRS]
    pairs += [("#ffffff", literal(css, ".top", "background"), "the top band"),
              (literal(css, ".top", "background"), "#ffffff", "the current page's tab"),
              ("#ffffff", literal(css, ".vip", "background"), "the VIP badge")]
    poor = {where: round(contrast(text, ground), 2) for text, ground, where in pairs
            if contrast(text, ground) < AA_TEXT}
    assert poor == {}


def test_the_contrast_formula_matches_wcags_own_examples() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # just under AA


# Run in the page: what a checker like axe would flag first, in plain words.
AUDIT = """() => {
  const problems = [];
  const shown = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const name = el => (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(h1s + " h1 headings");
  if (!document.title.trim()) problems.push("no title");
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const labelled = [...el.labels].some(l => l.textContent.trim())
      || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push("control without a label: " + (el.name || el.id));
  }
  for (const el of document.querySelectorAll("img, [role=img]")) {
    if (!el.hasAttribute("alt") && !el.getAttribute("aria-label"))
      problems.push("image without alt");
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (shown(el) && !name(el)) problems.push("nameless " + el.tagName.toLowerCase());
  }
  // WCAG 2.5.8: a target of at least 24 x 24 px (a control counts with its label), or
  // spaced so that a 24 px square centred on it touches no other target.
  const targets = [...document.querySelectorAll(
      "button, a[href], input:not([type=hidden]), select")].filter(shown).map(el => ({el,
    box: (el.labels && el.labels[0] && el.labels[0].contains(el) ? el.labels[0] : el)
      .getBoundingClientRect()})).filter(t => t.box.right > 0);  // skip link: off screen
  const overlaps = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  for (const t of targets) {
    if (t.box.width >= 24 && t.box.height >= 24) continue;
    const x = t.box.left + t.box.width / 2, y = t.box.top + t.box.height / 2;
    const square = {left: x - 12, right: x + 12, top: y - 12, bottom: y + 12};
    if (targets.some(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el)
                          && overlaps(square, o.box)))
      problems.push("small, crowded target: " + (t.el.name || name(t.el)) + " "
                    + t.box.width + "x" + t.box.height);
  }
  return problems;
}"""

# The focused element's ring and what is behind it, as the browser computed them.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let ground = el.parentElement, colour = "rgba(0, 0, 0, 0)";
  while (ground) {
    colour = getComputedStyle(ground).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") break;
    ground = ground.parentElement;
  }
  return {what: el.tagName + " " + (el.textContent || el.name || "").trim().slice(0, 30),
          // False on the browser's own part of a field (a time field's clock button).
          own: el.matches(":focus"),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          ring: style.outlineColor, ground: ground ? colour : "rgb(255, 255, 255)"};
}"""


def hex_of(rgb: str) -> str:
    red, green, blue = (int(part) for part in re.findall(r"\d+", rgb)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


async def audit(page: Page) -> list[str]:
    problems: list[str] = await page.evaluate(AUDIT)
    return problems


async def tab_through(page: Page, most: int = 40) -> list[dict[str, Any]]:
    """Press Tab from the top to the page's last stop (at most `most`); how each focused
    element showed its focus."""
    seen: list[dict[str, Any]] = []
    for _ in range(most):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(FOCUS)
        if focused["what"].startswith("BODY"):  # past the last stop
            break
        seen.append(focused)
    return seen


@needs_chromium
async def test_every_page_is_labelled_and_usable_by_keyboard(
        desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace"),
                                dnd("101", on=True)))
    page = await browser.new_page(viewport={"width": 1366, "height": 900})
    await page.goto(f"{desk.url}/console/sign-in")
    assert await audit(page) == [], "sign-in"
    await page.get_by_label("Name").fill(ADMIN)  # an admin: every page of the navigation
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{desk.url}/console/rooms")
    for item in NAV:
        await page.goto(f"{desk.url}{item.path}")
        assert await audit(page) == [], item.path
        stops = await tab_through(page)
        assert len(stops) >= 4, stops  # skip link, navigation, sign-out, the page's own
        for focused in (stop for stop in stops if stop["own"]):
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
            ring = contrast(hex_of(focused["ring"]), hex_of(focused["ground"]))
            assert ring >= AA_FOCUS, focused

    # The first Tab reaches the skip link, and it takes the keyboard past the navigation.
    await page.goto(f"{desk.url}/console/rooms")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    assert (await skip.bounding_box() or {"x": -1})["x"] >= 0  # on screen when focused
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("All rooms")).to_be_focused()


@needs_chromium
async def test_on_a_tablet_the_grid_fits_the_width(desk: Desk, browser: Browser) -> None:
    await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace"),
                                dnd("101", on=True), check_in("102", first="Grace",
                                                              last="Hopper")))
    for width, height, name in ((768, 1024, "portrait"), (1024, 768, "landscape")):
        page = await browser.new_page(viewport={"width": width, "height": height},
                                      has_touch=True, is_mobile=True)
        await page.goto(f"{desk.url}/console/sign-in")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        await page.get_by_label("Name").fill(ADMIN)
        await page.get_by_label("Password").fill(ADMIN_PASSWORD)
        await page.get_by_role("button", name="Sign in").tap()
        await expect(page.locator("#room-101")).to_contain_text("Ada Lovelace")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        # The search's label stays on its field, however the filters wrap.
        label = await page.locator("label[for=q]").bounding_box()
        field = await page.locator("#q").bounding_box()
        assert label is not None and field is not None
        assert abs(label["x"] - field["x"]) <= 2
        assert 0 <= field["y"] - (label["y"] + label["height"]) <= 8
        await page.get_by_label("Do not disturb").tap()
        await page.get_by_role("button", name="Apply").tap()
        await expect(page.locator("#shown")).to_have_text("1 room")
        await page.screenshot(path=artifact(f"rooms-dnd-tablet-{name}.png"))
        await page.close()
