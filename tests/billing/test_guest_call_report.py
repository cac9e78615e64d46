"""`connector calls report`: the stay's call report the front desk hands the guest, read back
as the guest's spreadsheet would read it: the hotel, room and stay, each charged call in
hotel time (across a change of daylight saving), mm:ss, the destination and the amount in
the currency's decimals, and the total."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from connector.billing.call import from_webhook_row
from connector.billing.guest_report import ReportError, build_report
from connector.billing.rating import rate_call
from connector.billing.report_files import csv_rows
from connector.billing.tariff import load_tariff
from connector.cli import main
from connector.events.models import CheckIn, CheckOut, Guest
from connector.store import CallRecord, Rating, StaySpan
from tests.billing.front_desk import FrontDesk, call_row

# Berlin leaves summer time in the night of 24 to 25 October 2026.
SATURDAY = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
SATURDAY_EVENING = datetime(2026, 10, 24, 19, 0, tzinfo=UTC)  # 21:00 CEST
SUNDAY_EVENING = datetime(2026, 10, 25, 19, 0, tzinfo=UTC)  # 20:00 CET
MONDAY_MORNING = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)

TOKYO_TARIFF = """\
currency: JPY
home_region: JP
classes:
  international:
    connection_fee: "50"
    increments: 60/60
    per_minute: "120"
"""


def _cli(store: Path, *args: str, zone: str = "Europe/Berlin", name: str = "Harbour View",
         tariff: Path | None = None) -> Result:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "secret", "CONNECTOR_STORE__PATH": str(store),
           "CONNECTOR_LOG__FORMAT": "text", "CONNECTOR_HOTEL__TIMEZONE": zone,
           "CONNECTOR_HOTEL__NAME": name,
           "CONNECTOR_BILLING__TARIFF_FILE": "" if tariff is None else str(tariff)}
    return CliRunner().invoke(main, ["calls", "report", *args], env=env)


def weekend_in_berlin(path: Path) -> None:
    """R-7 in room 101 from Saturday to Monday: London on Saturday (185 s, 4.00 EUR) and on
    Sunday after the clocks went back (61 s, 2.00 EUR), and Tokyo, which has no rate."""
    desk = FrontDesk(path)
    desk.check_in("101", "R-7", SATURDAY)
    desk.zoom_tells(call_row("2101", SATURDAY_EVENING, call_id="london-sat"))
    desk.zoom_tells(call_row("2101", SUNDAY_EVENING, talk=61, call_id="london-sun"))
    desk.zoom_tells(call_row("2101", SUNDAY_EVENING + timedelta(hours=1), call_id="tokyo",
                             dialled="+81312345678"))
    desk.check_out("101", "R-7", MONDAY_MORNING)
    desk.store.close()


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_the_guest_gets_each_call_in_hotel_time_across_the_clock_change_and_the_total(
    tmp_path: Path,
) -> None:
    weekend_in_berlin(tmp_path / "connector.sqlite3")
    out = tmp_path / "R-7 calls.csv"

    made = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--format", "csv",
                "--out", str(out))

    assert made.exit_code == 0, made.output
    assert "room 101, 2 call(s), total 6.00 EUR" in made.output
    assert read_csv(out) == [
        ["Hotel", "Harbour View"],
        ["Reservation", "R-7"],
        ["Room", "101"],
        ["Stay", "2026-10-24 to 2026-10-26"],
        ["Times", "hotel time (Europe/Berlin)"],
        ["Currency", "EUR"],
        [],
        ["Date", "Time", "Room", "Number dialled", "Duration", "Destination", "Amount (EUR)"],
        ["2026-10-24", "21:00 CEST", "101", "+44 20 7183 8750", "03:05", "International",
         "4.00"],
        ["2026-10-25", "20:00 CET", "101", "+44 20 7183 8750", "01:01", "International",
         "2.00"],
        ["Total", "", "", "", "", "2 call(s)", "6.00"],
    ]
    # The call held for a missing rate is not charged: the front desk is told, not the guest.
    assert "1 call(s) of this stay are not charged, so not on the report (no_rate: 1)" in (
        made.output)


def test_the_xlsx_report_adds_up_in_a_spreadsheet(tmp_path: Path) -> None:
    weekend_in_berlin(tmp_path / "connector.sqlite3")
    out = tmp_path / "R-7.xlsx"

    made = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--out", str(out))

    assert made.exit_code == 0, made.output
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Hotel", "Harbour View", None, None, None, None, None]
    assert rows[3][:2] == ["Stay", "2026-10-24 to 2026-10-26"]
    assert rows[8] == ["2026-10-24", "21:00 CEST", "101", "+44 20 7183 8750", "03:05",
                       "International", 4]
    assert rows[9][1] == "20:00 CET" and rows[9][6] == 2
    assert rows[10] == ["Total", None, None, None, None, "2 call(s)", 6]
    assert sheet["G9"].number_format == "0.00" and sheet["G11"].number_format == "0.00"


def test_a_tokyo_hotel_reports_whole_yen(tmp_path: Path) -> None:
    tariff_file = tmp_path / "tariff.yaml"
    tariff_file.write_text(TOKYO_TARIFF, encoding="utf-8")
    tariff = load_tariff(tariff_file)
    desk = FrontDesk(tmp_path / "connector.sqlite3", rate=lambda call: rate_call(
        tariff, call.dialled, call.talk_seconds, emergency=call.emergency))
    desk.check_in("101", "R-88", SATURDAY)
    desk.zoom_tells(call_row("2101", SATURDAY_EVENING, call_id="london"))  # 50 + 4 minutes at 120
    desk.store.close()
    csv_out, xlsx_out = tmp_path / "r88.csv", tmp_path / "r88.xlsx"

    for out in (csv_out, xlsx_out):
        made = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-88", "--out", str(out),
                    zone="Asia/Tokyo", name="", tariff=tariff_file)
        assert made.exit_code == 0, made.output

    rows = read_csv(csv_out)
    assert rows[0] == ["Reservation", "R-88"]  # no hotel name set: none shown
    assert rows[3] == ["Times", "hotel time (Asia/Tokyo)"]
    assert rows[-2] == ["2026-10-25", "04:00 JST", "101", "+44 20 7183 8750", "03:05",
                        "International", "530"]
    assert rows[-1][-1] == "530"
    sheet = load_workbook(xlsx_out).active
    assert sheet is not None
    assert (sheet["G8"].value, sheet["G8"].number_format) == (530, "0")


def test_a_stay_without_charged_calls_gets_no_report(tmp_path: Path) -> None:
    desk = FrontDesk(tmp_path / "connector.sqlite3")
    desk.check_in("104", "R-10", SATURDAY)
    desk.store.close()
    out = tmp_path / "r10.csv"

    made = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-10", "--out", str(out))

    assert made.exit_code == 1
    assert ("No charged call in the stay (reservation R-10, room 104): no report written."
            in made.output)
    assert not out.exists()


def test_an_unknown_reservation_is_refused_with_what_to_do(tmp_path: Path) -> None:
    weekend_in_berlin(tmp_path / "connector.sqlite3")

    made = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-404", "--out",
                str(tmp_path / "r404.csv"))

    assert made.exit_code == 2
    assert "No stay with reservation R-404 is known here" in made.output
    assert "connector calls --room N" in made.output
    assert not (tmp_path / "r404.csv").exists()


def test_a_guest_who_moved_gets_each_rooms_calls_or_one_rooms(tmp_path: Path) -> None:
    desk = FrontDesk(tmp_path / "connector.sqlite3")
    desk.check_in("101", "R-7", SATURDAY)
    desk.zoom_tells(call_row("2101", SATURDAY_EVENING, call_id="from-101"))
    desk.move("R-7", "101", "103", SATURDAY_EVENING + timedelta(hours=1))
    desk.zoom_tells(call_row("2103", SUNDAY_EVENING, talk=61, call_id="from-103"))
    desk.store.close()
    both, one = tmp_path / "both.csv", tmp_path / "one.csv"

    _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--out", str(both))
    _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--room", "103", "--out",
         str(one))
    elsewhere = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--room", "102",
                     "--out", str(tmp_path / "none.csv"))

    both_rows = read_csv(both)
    assert both_rows[2:4] == [["Room", "101, 103"], ["Stay", "from 2026-10-24 (in house)"]]
    assert [row[2] for row in both_rows[8:10]] == ["101", "103"]
    assert both_rows[-1][-1] == "6.00"
    one_rows = read_csv(one)
    assert one_rows[2] == ["Room", "103"]
    assert [row[2] for row in one_rows[8:-1]] == ["103"] and one_rows[-1][-1] == "2.00"
    assert elsewhere.exit_code == 2
    assert "Reservation R-7 was never in room 102 (it was in 101, 103)." in elsewhere.output


def _posted(call_id: str, currency: str, amount: int, dialled: str = "+442071838750",
            ) -> CallRecord:
    call = from_webhook_row(call_row("2101", SATURDAY_EVENING, call_id=call_id,
                                     callee_did_number=dialled))
    return CallRecord(call=call, sources=("webhook",), state="accepted", room="101",
                      reservation="R-7", reason=None,
                      rating=Rating("international", amount, currency, 240), p_number=1,
                      posting_answer="OK", first_seen_at=SATURDAY, updated_at=SATURDAY)


def test_a_stay_in_house_before_call_accounting_began_has_no_arrival_date() -> None:
    before = StaySpan("101", "R-7", datetime(1, 1, 1, tzinfo=UTC), None)

    made = build_report([_posted("a", "EUR", 400)], [before], reservation="R-7", tz=UTC,
                        zone="UTC", hotel=None, currency="EUR", minor_units=2)

    assert made.arrival is None and dict(made.heading())["Stay"] == "in house"


def test_calls_rated_in_another_currency_are_not_added_up() -> None:
    with pytest.raises(ReportError, match="calls rated in USD, not in the tariff's EUR"):
        build_report([_posted("a", "EUR", 400), _posted("b", "USD", 300)], [],
                     reservation="R-7", tz=UTC, zone="UTC", hotel=None, currency="EUR",
                     minor_units=2)


def test_a_number_a_spreadsheet_would_run_as_a_formula_is_shown_as_text() -> None:
    made = build_report([_posted("a", "EUR", 400, dialled="=HYPERLINK(\"x\")")], [],
                        reservation="R-7", tz=UTC, zone="UTC", hotel=None, currency="EUR",
                        minor_units=2)

    assert csv_rows(made)[-2][3] == "'=HYPERLINK(\"x\")"


def test_a_pms_keyed_by_room_gets_the_rooms_last_stay(tmp_path: Path) -> None:
    desk = FrontDesk(tmp_path / "connector.sqlite3")
    desk.pms(CheckIn(id="in-1", occurred_at=SATURDAY - timedelta(days=3), room="102",
                     guests=[Guest(last_name="Earlier")]),
             CheckOut(id="out-1", occurred_at=SATURDAY - timedelta(days=1), room="102"))
    desk.zoom_tells(call_row("2102", SATURDAY - timedelta(days=2), call_id="earlier-guest"))
    desk.pms(CheckIn(id="in-2", occurred_at=SATURDAY, room="102",
                     guests=[Guest(last_name="Lovelace")]))
    desk.zoom_tells(call_row("2102", SATURDAY_EVENING, call_id="this-guest"))
    desk.check_in("101", "R-7", SATURDAY)
    desk.store.close()
    out = tmp_path / "room-102.csv"

    made = _cli(tmp_path / "connector.sqlite3", "--room", "102", "--out", str(out))
    keyed = _cli(tmp_path / "connector.sqlite3", "--room", "101", "--out", str(out))

    assert made.exit_code == 0, made.output
    assert "room 102's last stay, room 102, 1 call(s), total 4.00 EUR" in made.output
    rows = read_csv(out)
    assert rows[1:3] == [["Room", "102"], ["Stay", "from 2026-10-24 (in house)"]]
    assert rows[-1] == ["Total", "", "", "", "", "1 call(s)", "4.00"]
    assert keyed.exit_code == 2
    assert "name one with --reservation" in keyed.output
