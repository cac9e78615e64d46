"""The doctor tells a hotel's IT person whether the call-history poll fits its Heavy share."""

from __future__ import annotations

from typing import Any

from connector.doctor.billing_check import check_call_history_poll
from connector.doctor.report import DoctorReport, Status
from connector.settings import Settings
from connector.zoom.scopes import evaluate_scopes
from tests.support.zoom_factories import ALL_SCOPES


def _settings(**billing: Any) -> Settings:
    return Settings(_env_file=None,  # type: ignore[call-arg]
                    zoom={"account_id": "HarbourView42", "client_id": "ClientHv42",
                          "client_secret": "s3cret", "plan": "pro"},
                    billing=billing)


def _line(settings: Settings, rooms: int) -> tuple[Status, str, tuple[str, ...]]:
    report = DoctorReport()
    check_call_history_poll(settings, evaluate_scopes(ALL_SCOPES), rooms, report)
    (check,) = report.checks
    return check.status, check.summary, check.details


def test_a_120_room_hotel_needs_a_page_an_hour_well_within_the_default_share() -> None:
    status, summary, details = _line(_settings(), rooms=120)

    assert status is Status.OK
    assert summary == ("call history listed every 60 min, up to 300 Heavy calls a "
                       "day, about 24 needed")
    assert details[0] == ("share: 0.02 of the pro plan's 15,000 Heavy calls a day = 300 calls "
                          "(CONNECTOR_BILLING__POLL_DAILY_HEAVY_SHARE)")


def test_polling_a_big_hotel_every_five_minutes_would_outrun_the_share() -> None:
    status, summary, details = _line(_settings(poll_interval_minutes=5), rooms=4000)

    assert status is Status.WARN
    assert summary == ("call history listed every 5 min, up to 300 Heavy calls a "
                       "day, about 576 needed")
    assert details[0].startswith("a busy day needs more than the share")
