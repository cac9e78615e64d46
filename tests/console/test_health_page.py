"""The Health page over HTTP (no browser): for admins only, and in words what /readyz and
/metrics say — readiness, Zoom, rooms that failed and why, reports waiting, call accounting."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.web.console import health
from connector.web.console.health import BudgetFacts, LimiterFacts
from tests.console.desk import ADMIN, ADMIN_PASSWORD, add_staff
from tests.console.test_over_http import sign_in
from tests.web.pms import Hotel, batch, check_in


async def test_a_desk_account_is_refused_the_health_page_and_does_not_see_it_in_the_menu(
        hotel: Hotel) -> None:
    add_staff(hotel)
    await sign_in(hotel.http)
    rooms = await hotel.http.get("/console/rooms")
    assert 'href="/console/health"' not in rooms.text
    assert (await hotel.http.get("/console/health")).status_code == 403
    assert (await hotel.http.get("/console/health/now")).status_code == 403


async def test_the_it_person_reads_the_connectors_health_in_words(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101"), check_in("102", first="Grace", last="Hopper")))
    await hotel.settle()
    hotel.connector.store.record_failure("102", "Zoom refused the change: user not found.",
                                         attempts=5, final=True)
    hotel.connector.store.mark_dirty(["102"])
    add_staff(hotel)
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)

    page = await hotel.http.get("/console/health")

    assert page.status_code == 200
    assert 'href="/console/health"' in page.text  # in an admin's menu
    text = page.text
    assert "OK: the database takes writes" in text and "OK: Zoom token: obtained" in text
    assert "FIAS is off" in text
    assert "Zoom token: obtained, renewed before it runs out" in text
    assert "Heavy calls used" in text
    assert ("Room 102 failed at" in text
            and "Zoom refused the change: user not found; gave up until the next full pass "
                "or a re-sync." in text)
    assert "1 room(s) waiting for Zoom" in text
    assert "Off: no call is taken or posted;" in text
    assert "Hopper" not in text and "Lovelace" not in text  # no guest data here
    refreshed = await hotel.http.get("/console/health/now")
    assert "Room 102 failed at" in refreshed.text and "<html" not in refreshed.text


def test_zoom_slowing_us_down_or_the_heavy_budget_spent_needs_attention() -> None:
    calm = health.zoom_section(1800, [LimiterFacts("phone", "medium", 10, 1.0)],
                               [BudgetFacts("phone", 300, 120)])
    assert calm.ok
    assert calm.lines[1:] == (
        "Zoom Phone API, Medium: up to 10 a second (our share of the account's limit).",
        "Zoom Phone API: 180 of today's 300 Heavy calls used (the day is Zoom's, UTC).")

    braked = health.zoom_section(1800, [LimiterFacts("phone", "heavy", 5, 0.5)],
                                 [BudgetFacts("users", 300, 0)])
    assert not braked.ok
    assert "Zoom Phone API, Heavy: slowed to 50% (2.5 a second)" in braked.lines[1]
    assert braked.lines[2].endswith("spent: Heavy calls wait for 00:00 UTC.")

    no_token = health.zoom_section(None, [], [])
    assert not no_token.ok and "none obtained" in no_token.lines[0]


def test_a_fias_link_down_says_what_that_means_for_the_desk() -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    down = health.fias_section(health.FiasFacts(up=False, state="connecting", changed_at=at,
                                                recent=[(at, "LS"), (at, "GI")]),
                               lambda moment: moment.strftime("%H:%M"))
    assert not down.ok
    assert down.lines[0] == "The link is connecting since 09:00."
    assert "check-ins and changes do not arrive" in down.lines[1]
    assert down.lines[2] == "Last records: GI at 09:00, LS at 09:00"
