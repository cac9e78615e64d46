"""The doctor tells a hotel's IT person whether call accounting is on, what it still needs
(scopes, the secret token, a tariff that can be read) and which calls wait for someone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from connector.billing.tariff_rater import tariff_rater
from connector.billing.webhook import CALL_HISTORY_EVENT_SCOPE
from connector.doctor.calls_check import check_call_accounting
from connector.doctor.report import DoctorReport, Status
from connector.settings import Settings
from connector.zoom.scopes import evaluate_scopes
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row
from tests.support.zoom_factories import ALL_SCOPES

EVERY_SCOPE = ALL_SCOPES | {CALL_HISTORY_EVENT_SCOPE}
# A hotel that prices calls at home and to Europe only: Tokyo and Sydney have no class.
EUROPE_ONLY = """\
currency: GBP
home_region: GB
zones:
  europe: [FR, DE, IE]
classes:
  national:
    increments: 60/60
    per_minute: "0.10"
  international/europe:
    connection_fee: "0.50"
    increments: 60/60
    per_minute: "0.40"
"""


def _settings(tmp_path: Path, *, secret: str | None = "zoom-secret-token",
              tariff: str | None = EUROPE_ONLY, **billing: Any) -> Settings:
    if tariff is not None:
        (tmp_path / "tariff.yaml").write_text(tariff)
        billing.setdefault("tariff_file", tmp_path / "tariff.yaml")
    return Settings(_env_file=None,  # type: ignore[call-arg]
                    zoom={"account_id": "HarbourView42", "client_id": "ClientHv42",
                          "client_secret": "s3cret", "webhook_secret_token": secret},
                    store={"path": tmp_path / "connector.sqlite3"}, billing=billing)


def _line(settings: Settings, scopes: frozenset[str] | None = EVERY_SCOPE,
          ) -> tuple[Status, str, tuple[str, ...]]:
    report = DoctorReport()
    check_call_accounting(settings, evaluate_scopes(scopes), report)
    (check,) = report.checks
    return check.status, check.summary, check.details


def test_with_the_scopes_the_secret_and_a_tariff_call_accounting_is_on(tmp_path: Path) -> None:
    assert _line(_settings(tmp_path)) == (
        Status.OK, "on: calls from the rooms are rated by the tariff and posted to the folio",
        ())


def test_a_hotel_that_never_set_it_up_is_told_how_not_warned(tmp_path: Path) -> None:
    status, summary, details = _line(_settings(tmp_path, secret=None, tariff=None))

    assert (status, summary) == (Status.OK, "off: not set up (docs/billing.md)")
    assert [d.split(":")[0] for d in details] == [
        "set CONNECTOR_BILLING__TARIFF_FILE", "set CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN"]


def test_without_the_secret_token_or_the_call_log_scope_call_accounting_is_off(
    tmp_path: Path,
) -> None:
    status, summary, details = _line(_settings(tmp_path, secret=None),
                                     scopes=ALL_SCOPES)

    assert (status, summary) == (Status.WARN, "OFF: no call is taken or posted")
    assert details == (
        "set CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN: the Zoom app's Secret Token (app → Feature), "
        "which signs its call-history webhooks",
        "the Zoom app lacks phone:read:call_log:admin: Zoom sends no call-history webhooks "
        "(add it: app → Scopes)")


def test_without_the_listing_scope_lost_webhooks_would_never_be_found(tmp_path: Path) -> None:
    status, _summary, details = _line(
        _settings(tmp_path), scopes=EVERY_SCOPE - {"phone:read:list_call_logs:admin"})

    assert status is Status.WARN
    assert details == ("the Zoom app lacks phone:read:list_call_logs:admin: calls whose "
                       "webhook is lost are never found (add it: app → Scopes)",)


def test_a_tariff_with_problems_is_listed_problem_by_problem(tmp_path: Path) -> None:
    broken = EUROPE_ONLY.replace("home_region: GB", "home_region: UK").replace(
        '"0.10"', '"0,10"')

    status, summary, details = _line(_settings(tmp_path, tariff=broken))

    assert (status, summary) == (Status.WARN, "OFF: no call is taken or posted")
    assert details[0].endswith("cannot be used (calls are kept and held as 'no rate' until "
                               "it is fixed and the connector restarted): 2 problem(s)")
    assert details[1].startswith("line 2, home_region: 'UK' is not an ISO 3166")
    assert details[2].startswith("line 8, classes.national.per_minute: '0,10' is not an amount")


def test_calls_held_for_want_of_a_rate_are_grouped_by_the_class_the_tariff_lacks(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    desk = FrontDesk(settings.store.path, rate=tariff_rater(tmp_path / "tariff.yaml"))
    desk.check_in("101", "R-7", ARRIVAL)
    evening = ARRIVAL + timedelta(hours=6)
    for minutes, number in enumerate(("+81312345678", "+81662345678", "+61212345678",
                                      "+33142685300")):
        desk.zoom_tells(call_row("2101", evening + timedelta(minutes=minutes), dialled=number))
    desk.store.close()

    status, summary, details = _line(settings)

    assert (status, summary) == (
        Status.WARN, "on: calls from the rooms are rated by the tariff and posted to the "
        "folio; some calls need someone")
    assert details == (
        "3 call(s) held with no rate: add the class to the tariff and restart (they are "
        "rated then); `connector calls --no-rate` lists them",
        "  2 call(s): no tariff class for …, an international number in JP: add "
        "`international/JP` or `international`",
        "  1 call(s): no tariff class for …, an international number in AU: add "
        "`international/AU` or `international`")


def test_unknown_postings_and_late_charges_say_what_the_front_desk_does(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    desk = FrontDesk(settings.store.path, late_hours=1,
                     rate=tariff_rater(tmp_path / "tariff.yaml"))
    evening = ARRIVAL + timedelta(hours=6)
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_in("103", "R-9", ARRIVAL)
    desk.zoom_tells(call_row("2101", evening, dialled="+33142685300"))
    desk.store.outbox.mark_unknown(1, "no posting answer (PA) in 120 s")
    desk.check_out("103", "R-9", evening + timedelta(minutes=10))
    desk.clock.set_now(evening + timedelta(hours=2))
    desk.zoom_tells(call_row("2103", evening, dialled="+33142685300"))
    desk.store.close()

    status, _summary, details = _line(settings)

    assert status is Status.WARN
    assert details == (
        "1 posting(s) unknown: sent, no answer from the PMS; check the folio, then "
        "`connector calls resolve --p-number N --posted` (or --not-posted); "
        "`connector calls --unknown` lists them",
        "1 late charge(s): the record came after the guest left and the window "
        "(CONNECTOR_BILLING__LATE_POSTING_HOURS); charge by hand if wanted; "
        "`connector calls --late` lists them")
