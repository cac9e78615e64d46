"""`connector erase`: a guest asks to be forgotten, and the front desk does it at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from connector.cli import main
from connector.rooms.desired import fold
from connector.store import Store
from tests.billing.front_desk import FrontDesk, call_row
from tests.privacy.guests import arrives, found_in, leaves

JUNE_1 = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def cli(store: Path, *args: str) -> Result:
    env = {"CONNECTOR_ZOOM__ACCOUNT_ID": "acct", "CONNECTOR_ZOOM__CLIENT_ID": "client",
           "CONNECTOR_ZOOM__CLIENT_SECRET": "secret", "CONNECTOR_STORE__PATH": str(store),
           "CONNECTOR_LOG__FORMAT": "text", "CONNECTOR_HOTEL__TIMEZONE": "Europe/Berlin"}
    return CliRunner().invoke(main, list(args), env=env)


def test_a_departed_guest_is_erased_on_request_and_told_what_went(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    start = desk.clock.now()
    desk.pms(arrives("101", "R-1", start, "Lovelace"))
    desk.zoom_tells(call_row("2101", start + timedelta(hours=2), dialled="+442071838750"))
    desk.pms(leaves("101", "R-1", start + DAY))
    desk.store.close()

    first = cli(path, "erase", "--reservation", "R-1")
    again = cli(path, "erase", "--reservation", "R-1")

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "Erased the personal data of reservation R-1 (room 101 2026-12-07 15:00 to "
        "2026-12-08 15:00):",
        "  event bodies: 1", "  calls: 1", "  postings: 0", "  journal entries: 0",
        "1 posting(s) still wait for the PMS's answer and keep the dialled number until it "
        "comes (FIAS sends it); the first daily erasure after the answer blanks it."]
    assert found_in(path, "Lovelace", "Gold Lovelace", "2071838750",
                    tables=("inbox", "calls", "rooms", "journal")) == set()
    assert found_in(path, "2071838750", tables=("outbox",)) == {"2071838750"}
    assert again.exit_code == 0
    assert again.output.startswith("Nothing left to erase of reservation R-1")


def test_erasing_one_sharer_leaves_the_other_sharers_data(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      arrives("101", "R-2", JUNE_1 + timedelta(hours=1), "Byron", share=True),
                      leaves("101", "R-1", JUNE_1 + 2 * DAY),
                      leaves("101", "R-2", JUNE_1 + 2 * DAY)], fold)

    result = cli(path, "erase", "--reservation", "R-1")

    assert result.exit_code == 0, result.output
    assert found_in(path, "Lovelace", "Byron") == {"Byron"}


def test_a_guest_still_in_house_is_refused_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace")], fold)

    refused = cli(path, "erase", "--reservation", "R-1")
    assert refused.exit_code == 1
    assert "still in house" in refused.output and "--force" in refused.output
    assert found_in(path, "Lovelace", tables=("inbox",)) == {"Lovelace"}

    forced = cli(path, "erase", "--reservation", "R-1", "--force")

    assert forced.exit_code == 0, forced.output
    assert "event bodies: 1" in forced.output
    # The stored copies are gone; the room phone keeps the name until the guest leaves.
    assert found_in(path, "Lovelace", tables=("inbox",)) == set()
    assert found_in(path, "Lovelace", tables=("rooms",)) == {"Lovelace"}


def test_a_room_and_a_day_name_the_guest_who_arrived_that_day(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", None, JUNE_1, "Lovelace"),
                      leaves("101", None, JUNE_1 + 2 * DAY - timedelta(hours=6)),
                      arrives("101", None, JUNE_1 + 2 * DAY, "Turing"),
                      leaves("101", None, JUNE_1 + 4 * DAY)], fold)

    result = cli(path, "erase", "--room", "101", "--on", "2026-06-03")

    assert result.exit_code == 0, result.output
    assert "the room's stay (room 101 2026-06-03 17:00 to 2026-06-05 17:00)" in result.output
    assert found_in(path, "Lovelace", "Turing") == {"Lovelace"}


def test_a_day_two_sharers_were_in_the_room_asks_for_the_reservation(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      arrives("101", "R-2", JUNE_1, "Byron", share=True),
                      leaves("101", "R-1", JUNE_1 + 2 * DAY),
                      leaves("101", "R-2", JUNE_1 + 2 * DAY)], fold)

    result = cli(path, "erase", "--room", "101", "--on", "2026-06-02")

    assert result.exit_code == 2
    assert "name one by --reservation" in result.output
    assert "reservation R-1" in result.output and "reservation R-2" in result.output
    assert found_in(path, "Lovelace", "Byron") == {"Lovelace", "Byron"}


def test_a_command_that_names_no_single_stay_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"

    both = cli(path, "erase", "--reservation", "R-1", "--room", "101")
    no_day = cli(path, "erase", "--room", "101")

    assert both.exit_code == no_day.exit_code == 2
    assert "Name one stay" in both.output
