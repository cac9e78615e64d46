"""The alerts a hotel sets on call accounting (deploy/prometheus-rules.yaml) fire on what the
connector's metrics show: a posting without an answer at once, calls without a rate after a
quarter of an hour, and a call-history poll hours behind after a quarter of an hour."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import cast

from prometheus_client import generate_latest

from connector.billing.poll import WATERMARK_KEY, CallHistoryPoll
from connector.billing.poll_metrics import PollMetrics
from connector.settings.model import BillingSettings, Plan
from connector.zoom.api import ZoomApi
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row
from tests.support.alert_rules import Alerts, load_rules, scrape

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus-rules.yaml"
EVENING = ARRIVAL + timedelta(hours=6)
CALL_ALERTS = {"ConnectorCallPostingsUnknown", "ConnectorCallsWithoutRate",
               "ConnectorCallPollBehind"}


def _firing(desk: FrontDesk, alerts: Alerts, at: float) -> set[str]:
    return alerts.evaluate(at, scrape(generate_latest(desk.registry).decode())) & CALL_ALERTS


def test_the_rules_file_has_the_call_accounting_alerts() -> None:
    assert {rule.alert for rule in load_rules(RULES)} >= CALL_ALERTS


def test_a_posting_the_pms_never_answered_alerts_at_once() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING))
    alerts = Alerts(load_rules(RULES))
    assert _firing(desk, alerts, 0) == set()

    desk.store.outbox.mark_unknown(1, "no posting answer (PA) in 120 s")

    assert _firing(desk, alerts, 60) == {"ConnectorCallPostingsUnknown"}


def test_calls_held_without_a_rate_alert_after_a_quarter_of_an_hour() -> None:
    desk = FrontDesk()
    desk.check_in("101", "R-7", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, dialled="+81312345678"))  # no class for Tokyo
    alerts = Alerts(load_rules(RULES))

    assert _firing(desk, alerts, 0) == set()
    assert _firing(desk, alerts, 15 * 60) == {"ConnectorCallsWithoutRate"}


def test_a_call_history_poll_hours_behind_alerts_after_a_quarter_of_an_hour() -> None:
    desk = FrontDesk()
    # Zoom's history was last listed in full four hours ago (Zoom down, the scope removed).
    desk.store.set_meta(WATERMARK_KEY, (ARRIVAL - timedelta(hours=4)).isoformat())
    CallHistoryPoll(cast(ZoomApi, None), desk.intake, desk.store, settings=BillingSettings(),
                    plan=Plan.PRO, clock=desk.clock, metrics=PollMetrics(desk.registry))
    alerts = Alerts(load_rules(RULES))

    assert _firing(desk, alerts, 0) == set()
    assert _firing(desk, alerts, 15 * 60) == {"ConnectorCallPollBehind"}
