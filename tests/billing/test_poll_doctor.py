"""The doctor tells a hotel's IT person whether the call-history poll fits its Heavy share."""

from __future__ import annotations

from pathlib import Path
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


def test_a_tariff_that_marks_up_zoom_charge_needs_the_report_scope_and_a_page_a_listing(
    tmp_path: Path,
) -> None:
    tariff = tmp_path / "tariff.yaml"
    tariff.write_text("currency: USD\nhome_region: US\nclasses:\n  international:\n"
                      "    carrier_markup_percent: 50\n")
    report = DoctorReport()
    check_call_history_poll(_settings(tariff_file=str(tariff)), evaluate_scopes(
        ALL_SCOPES - {"phone:read:call_charges:admin"}), 120, report)
    (check,) = report.checks

    assert check.status is Status.WARN
    assert check.summary.endswith("about 48 needed")  # 24 listings + 24 charges reports
    assert check.details[0].startswith(
        "the Zoom app lacks phone:read:call_charges:admin: calls in tariff classes that mark "
        "up Zoom's charge are priced by per_minute or held as no rate")
    assert check.details[-1].startswith("the tariff marks up Zoom's carrier charge")
