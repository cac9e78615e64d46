"""The Health page over HTTP (no browser): for admins only, and in words what /readyz and
/metrics say — readiness, Zoom, rooms that failed and why, reports waiting, call accounting."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.web.console import health
from connector.web.console.health import BudgetFacts, LimiterFacts
from connector.zoom.answers import Trouble, ZoomAnswers
from tests.console.desk import ADMIN, ADMIN_PASSWORD, add_staff
from tests.console.test_over_http import sign_in
from tests.web.pms import Hotel, batch, check_in

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


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


def zoom_part(page: str) -> str:
    start = page.index('id="health-zoom"')
    return page[start:page.index("</section>", start)]


async def test_a_zoom_outage_shows_on_health_as_zoom_failing_and_since_when(
        hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101")))
    await hotel.settle()
    add_staff(hotel)
    await sign_in(hotel.http, ADMIN, ADMIN_PASSWORD)
    assert "Zoom answers normally." in zoom_part((await hotel.http.get("/console/health")).text)

    hotel.sandbox.faults.error_burst(100_000, status=503)  # Zoom's servers in trouble
    began = hotel.sandbox.clock.now()
    await hotel.send(batch(check_in("102", first="Grace", last="Hopper")))
    await hotel.settle()

    zoom = zoom_part((await hotel.http.get("/console/health")).text)
    assert "Needs attention" in zoom
    assert f"Zoom is failing since {began.astimezone(hotel.connector.tz):%H:%M}" in zoom
    assert "server error(s) (HTTP 5xx)" in zoom and "HTTP 503 on" in zoom
    # /readyz stays ready: events are still taken and stored; restarting would not help.
    ready = await hotel.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True

    hotel.sandbox.faults.clear()  # Zoom is back
    hotel.advance(300)
    await hotel.send(batch(check_in("103", first="Alan", last="Turing")))
    await hotel.settle()
    zoom = zoom_part((await hotel.http.get("/console/health")).text)
    assert "Zoom answers normally (its last outage:" in zoom and "Needs attention" not in zoom


def test_time_outs_and_429s_count_as_failing_a_404_is_zoom_answering() -> None:
    answers = ZoomAnswers()
    answers.failed(Trouble.NO_ANSWER, "ReadTimeout on update_user", AT)
    answers.failed_answer(429, "set_presence", AT)
    failing = health.zoom_section(1800, [], [], answers, when=lambda at: f"{at:%H:%M}")
    assert not failing.ok
    assert failing.lines[0] == (
        "Zoom is failing since 09:00: 1 time-out(s) or no answer, 1 'too many requests' "
        "(HTTP 429); the last HTTP 429 on set_presence at 09:00.")
    answers.failed_answer(404, "get_user", AT)
    assert health.zoom_section(1800, [], [], answers).ok
