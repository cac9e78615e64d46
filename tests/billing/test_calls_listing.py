"""`connector calls`: what the front desk reads of the rooms' calls: hotel time, the number
dialled, talk time, class, amount in the currency's major units, the state in words, the
P#, each stay's total, and the calls needing attention on their own."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from connector.cli import main
from connector.pms.fias.codec import Record
from tests.billing.front_desk import ARRIVAL, FrontDesk, call_row

EVENING = ARRIVAL + timedelta(hours=6)  # 20:00 UTC, 21:00 in Berlin


def _cli(store: Path, *args: str) -> Result:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "secret", "CONNECTOR_STORE__PATH": str(store),
           "CONNECTOR_LOG__FORMAT": "text", "CONNECTOR_HOTEL__TIMEZONE": "Europe/Berlin",
           "CONNECTOR_BILLING__TARIFF_FILE": ""}
    return CliRunner().invoke(main, ["calls", *args], env=env)


def evening_of_calls(path: Path) -> FrontDesk:
    """Room 101 (R-7) calls London (posted at 4.00 EUR) and Tokyo (no rate); room 102 (R-8)
    calls a freephone number (free) and London (the PMS refuses it: no-post guest); room
    103 (R-9) left an hour before its London call's record came (late)."""
    desk = FrontDesk(path, late_hours=1)
    desk.check_in("101", "R-7", ARRIVAL)
    desk.check_in("102", "R-8", ARRIVAL)
    desk.check_in("103", "R-9", ARRIVAL)
    desk.zoom_tells(call_row("2101", EVENING, call_id="london-101"))
    desk.zoom_tells(call_row("2101", EVENING + timedelta(minutes=30), dialled="+81312345678",
                             call_id="tokyo-101"))
    desk.zoom_tells(call_row("2102", EVENING, dialled="+498001234567", call_id="free-102"))
    desk.zoom_tells(call_row("2102", EVENING + timedelta(minutes=5), call_id="london-102"))
    desk.store.outbox.mark_sent(2)
    desk.reporter.on_posting_answer(Record.of("PA", ("RN", "102"), ("AS", "NP"), ("P#", "2")))
    desk.check_out("103", "R-9", EVENING + timedelta(minutes=10))
    desk.clock.set_now(EVENING + timedelta(hours=2))
    desk.zoom_tells(call_row("2103", EVENING, call_id="late-103"))
    desk.store.close()
    return desk


def test_a_rooms_calls_read_in_hotel_time_with_amount_state_and_p_number(
    tmp_path: Path,
) -> None:
    evening_of_calls(tmp_path / "connector.sqlite3")

    shown = _cli(tmp_path / "connector.sqlite3", "--room", "101")

    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "2 call(s), times in Europe/Berlin:"
    assert lines[1].split() == ["Time", "Room", "Reservation", "Dialled", "Talk", "Class",
                                "Amount", "State", "P#"]
    assert lines[2].split() == ["2026-12-07", "21:00", "CET", "101", "R-7", "+442071838750",
                                "03:05", "International", "4.00", "EUR", "sent,", "waiting",
                                "for", "the", "PMS", "1"]
    assert lines[3].split()[:7] == ["2026-12-07", "21:30", "CET", "101", "R-7",
                                    "+81312345678", "03:05"]
    assert "no rate" in lines[3]
    assert lines[4].strip() == "no tariff class for +813…"
    assert "R-7 (room 101): 2 call(s), 1 charged, 4.00 EUR" in shown.output
    assert "R-8" not in shown.output


def test_a_stays_calls_and_the_pms_refusal_in_words(tmp_path: Path) -> None:
    evening_of_calls(tmp_path / "connector.sqlite3")

    shown = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-8")

    assert "free" in shown.output and "Toll-free" in shown.output
    assert "refused by the PMS (NP: no-post guest)" in shown.output
    # The freephone call is on the bill at nothing; the refused one is not on the folio.
    assert "R-8 (room 102): 2 call(s), 1 charged, 0.00 EUR" in shown.output


def test_the_calls_needing_attention_each_on_their_own(tmp_path: Path) -> None:
    evening_of_calls(tmp_path / "connector.sqlite3")
    path = tmp_path / "connector.sqlite3"

    def ids(*flags: str) -> list[str]:
        result = _cli(path, *flags, "--json")
        assert result.exit_code == 0, result.output
        return [call["call_id"] for call in json.loads(result.output)["calls"]]

    assert ids("--no-rate") == ["tokyo-101"]
    assert ids("--late") == ["late-103"]
    assert ids("--unknown") == []
    # Free calls need no posting; posted ones are on their way.
    assert ids("--unposted") == ["late-103", "london-102", "tokyo-101"]
    assert ids("--late", "--no-rate") == ["late-103", "tokyo-101"]


def test_an_unknown_posting_is_listed_until_someone_checks_the_folio(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = evening_of_calls(path)
    reopened = FrontDesk(path)
    reopened.store.outbox.mark_unknown(1, "no posting answer (PA) in 120 s")
    reopened.store.close()
    del desk

    shown = _cli(path, "--unknown")

    assert "unknown: check the folio" in shown.output
    assert "+442071838750" in shown.output and "R-7" in shown.output


def test_json_carries_minor_units_major_text_utc_and_hotel_time(tmp_path: Path) -> None:
    evening_of_calls(tmp_path / "connector.sqlite3")

    shown = _cli(tmp_path / "connector.sqlite3", "--reservation", "R-7", "--json")

    listed = json.loads(shown.output)
    london = listed["calls"][0]
    assert (london["start_time"], london["start_hotel_time"]) == (
        "2026-12-07T20:00:00+00:00", "2026-12-07 21:00:00 CET")
    assert (london["amount_minor"], london["amount"], london["currency"]) == (400, "4.00", "EUR")
    assert (london["state"], london["p_number"], london["dialled"]) == (
        "posted", 1, "+442071838750")
    assert listed["totals"] == [{
        "reservation": "R-7", "rooms": ["101"], "calls": 2, "charged": 1,
        "amounts": [{"currency": "EUR", "amount_minor": 400, "amount": "4.00"}]}]


def test_no_calls_says_so(tmp_path: Path) -> None:
    FrontDesk(tmp_path / "connector.sqlite3").store.close()

    shown = _cli(tmp_path / "connector.sqlite3", "--room", "104")

    assert (shown.exit_code, shown.output) == (0, "No calls.\n")
