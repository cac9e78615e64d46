"""Zoom answers 5xx for 150 s in the middle of check-in time: /metrics shows the rooms
waiting and failing and how old the oldest waiting check-in is, and the outage alerts of
deploy/prometheus-rules.yaml fire after two minutes, not before, and stop once Zoom is back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from tests.scenarios.hotel import Hotel, open_hotel
from tests.support.alert_rules import Alerts, load_rules, scrape

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus-rules.yaml"
ROOMS = [str(room) for room in range(201, 213)]
SCRAPE_EVERY = 15.0  # seconds of sandbox time, a common Prometheus scrape interval
OUTAGE_ENDS = 150


@pytest.fixture
async def hotel(tmp_path: Path) -> AsyncIterator[Hotel]:
    # Retries a minute apart, as in production: the outage outlasts two of them.
    async with open_hotel(tmp_path, CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS="60",
                          CONNECTOR_SCHEDULING__RETRIES="3") as opened:
        yield opened


def _metrics(hotel: Hotel) -> dict[str, list[float]]:
    return scrape(generate_latest(hotel.connector.reconciler.metrics.registry).decode())


async def test_a_150_second_zoom_outage_shows_in_the_metrics_and_fires_the_outage_alerts(
    hotel: Hotel,
) -> None:
    alerts = Alerts(load_rules(RULES))
    began = hotel.now
    hotel.sandbox.faults.error_burst(100_000, status=503)
    stays = [hotel.check_in(room, "Ana", f"Guest{room}") for room in ROOMS]
    firing: dict[float, set[str]] = {}
    seen: dict[float, dict[str, list[float]]] = {}
    scrape_at = 0.0
    while scrape_at <= 300:
        # The Zoom client's own retries take sandbox time too: the clock is the truth.
        if _elapsed(hotel, began) >= OUTAGE_ENDS:
            hotel.sandbox.faults.clear()  # Zoom is back; the next retry goes through
        await hotel.one_pass()
        at = _elapsed(hotel, began)
        seen[at] = _metrics(hotel)
        firing[at] = alerts.evaluate(at, seen[at])
        while scrape_at <= at:
            scrape_at += SCRAPE_EVERY
        hotel.advance(seconds=scrape_at - at)

    outage = {"ConnectorZoomChangesDelayed", "ConnectorZoomRoomsFailing"}
    assert all(alerts == set() for at, alerts in firing.items() if at < 120), firing
    assert any(alerts == outage for at, alerts in firing.items() if 120 <= at < 180), firing
    recovered = min(at for at, alerts in firing.items() if at > 120 and not alerts)
    assert all(alerts == set() for at, alerts in firing.items() if at >= recovered), firing
    assert recovered < OUTAGE_ENDS + 75  # the first retry after Zoom is back puts it right

    at, during = next((at, m) for at, m in seen.items() if 60 <= at < 120)
    assert during["connector_rooms_waiting"] == [len(ROOMS)]
    assert during["connector_rooms_failed"] == [len(ROOMS)]  # not 0: none has given up yet
    assert during["connector_rooms_given_up"] == [0]
    assert during["connector_oldest_unapplied_event_seconds"] == [pytest.approx(at, abs=1)]
    after = seen[recovered]
    assert (after["connector_rooms_waiting"], after["connector_rooms_failed"],
            after["connector_oldest_unapplied_event_seconds"]) == ([0], [0], [0])
    # Every attempt is timed, not only the one that worked.
    lag = hotel.connector.reconciler.metrics.registry.get_sample_value
    assert lag("connector_reconcile_lag_seconds_count", {"outcome": "failed"}) == \
        pytest.approx(2 * len(ROOMS), abs=len(ROOMS))
    assert lag("connector_reconcile_lag_seconds_count", {"outcome": "applied"}) == len(ROOMS)
    assert {hotel.status(stay).state for stay in stays} == {"applied"}


def _elapsed(hotel: Hotel, began: datetime) -> float:
    return (hotel.now - began).total_seconds()


async def test_rooms_given_up_are_their_own_alert_not_an_endless_outage(tmp_path: Path) -> None:
    async with open_hotel(tmp_path, CONNECTOR_SCHEDULING__RETRIES="0") as hotel:
        alerts = Alerts(load_rules(RULES))
        hotel.sandbox.faults.error_burst(100_000, status=503)
        hotel.check_in("205", "Bo", "Chen")
        await hotel.one_pass()
        hotel.advance(minutes=10)
        metrics = _metrics(hotel)
        assert metrics["connector_rooms_given_up"] == [1]
        assert metrics["connector_oldest_unapplied_event_seconds"] == [0]
        assert alerts.evaluate(600, metrics) == {"ConnectorRoomsGivenUp"}
