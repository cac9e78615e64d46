"""Every erasure leaves its mark in `connector audit ROOM`: who erased (the daily erasure, a
shell user, the PMS, a staff member), what (counts per kind, never a name) and why, so a
data-protection officer can prove a guest was forgotten, and when, without the guest."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connector.events.models import GuestAnonymised, GuestChange
from connector.rooms.desired import fold
from connector.store import Store
from tests.billing.front_desk import FrontDesk, call_row
from tests.privacy.guests import arrives, guest, leaves
from tests.privacy.test_erase import cli
from tests.privacy.test_retention import retention
from tests.support.fake_clock import FakeClock

JUNE_1 = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PERSONAL = ("Lovelace", "Byron", "Ada", "Dr", "Gold", "FR", "2071838750")


def erasures(path: Path, room: str) -> list[str]:
    """The lines `connector audit ROOM` prints about erasures."""
    result = cli(path, "audit", room)
    assert result.exit_code == 0, result.output
    for personal in PERSONAL:
        assert personal not in result.output
    return [line.split("  ", 2)[2] for line in result.output.splitlines()
            if "erased personal data" in line]


def test_an_erasure_on_request_is_audited_with_the_shell_user_and_the_counts(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    desk = FrontDesk(path)
    start = desk.clock.now()
    desk.pms(arrives("101", "R-1", start, "Lovelace"))
    desk.zoom_tells(call_row("2101", start + timedelta(hours=2), dialled="+442071838750"))
    desk.pms(leaves("101", "R-1", start + DAY))
    desk.store.close()

    assert cli(path, "erase", "--reservation", "R-1").exit_code == 0
    assert cli(path, "erase", "--reservation", "R-1").exit_code == 0

    user = getpass.getuser()
    assert erasures(path, "101") == [
        f"staff: shell:{user}: erased personal data of reservation R-1: event bodies: 1, "
        "calls: 1, postings: 0, journal entries: 0 (1 posting(s) keep the number until the "
        "PMS answers) (on request (connector erase)) [audit 1]",
        # Asked again: nothing was left, and the trail says so.
        f"staff: shell:{user}: erased personal data of reservation R-1: event bodies: 0, "
        "calls: 0, postings: 0, journal entries: 0 (on request (connector erase)) [audit 2]"]


def test_a_forced_erasure_of_a_guest_in_house_says_it_was_forced(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace")], fold)

    assert cli(path, "erase", "--reservation", "R-1").exit_code == 1
    assert erasures(path, "101") == []  # refused: nothing erased, nothing to audit
    assert cli(path, "erase", "--reservation", "R-1", "--force").exit_code == 0

    [line] = erasures(path, "101")
    assert line.endswith("(on request (connector erase --force)) [audit 1]")


def test_the_daily_erasure_audits_each_stay_it_forgot_in_each_of_its_rooms(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    with Store(path, clock=clock) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      leaves("101", "R-1", JUNE_1 + 2 * DAY),
                      arrives("102", "R-2", JUNE_1, "Byron"),
                      leaves("102", "R-2", JUNE_1 + 3 * DAY),
                      arrives("103", "R-3", JUNE_1 + 30 * DAY, "Lovelace")], fold)
        clock.set_now(JUNE_1 + 33 * DAY)
        retention(store, clock).run(clock.now().date())
        clock.set_now(JUNE_1 + 34 * DAY)
        retention(store, clock).run(clock.now().date())  # R-2's turn

    why = "(retention: the stay ended more than 30 days ago)"
    assert erasures(path, "101") == [
        "connector (daily erasure): erased personal data of reservation R-1: event bodies: 1, "
        f"calls: 0, postings: 0, journal entries: 0 {why} [audit 1]"]
    assert erasures(path, "102") == [
        "connector (daily erasure): erased personal data of reservation R-2: event bodies: 1, "
        f"calls: 0, postings: 0, journal entries: 0 {why} [audit 2]"]
    assert erasures(path, "103") == []  # still in house


def test_a_pms_anonymisation_is_audited_as_the_pms_asking(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"),
                      arrives("101", "R-2", JUNE_1, "Byron", share=True),
                      leaves("101", "R-1", JUNE_1 + DAY), leaves("101", "R-2", JUNE_1 + DAY),
                      GuestAnonymised(id="anon-1", occurred_at=JUNE_1 + 5 * DAY,
                                      reservation="R-2")], fold)

    [line] = erasures(path, "101")
    assert line.startswith("PMS: erased personal data of reservation R-2: event bodies: 1,")
    assert "(the PMS anonymised the guest (event anon-1))" in line


def test_a_guest_who_moved_is_audited_in_both_rooms_once_the_whole_stay_is_gone(
        tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    clock = FakeClock(JUNE_1)
    moved = GuestChange(id="move-R-1", occurred_at=JUNE_1 + DAY, room="102", old_room="101",
                        reservation="R-1", guests=[guest("Lovelace")])
    with Store(path, clock=clock) as store:
        store.ingest([arrives("101", "R-1", JUNE_1, "Lovelace"), moved,
                      leaves("102", "R-1", JUNE_1 + 10 * DAY)], fold)
        clock.set_now(JUNE_1 + 35 * DAY)  # the part in 101 is past the window, 102's not
        retention(store, clock).run(clock.now().date())
        assert erasures(path, "101") == []
        clock.set_now(JUNE_1 + 41 * DAY)
        retention(store, clock).run(clock.now().date())

    expected = ("connector (daily erasure): erased personal data of reservation R-1: event "
                "bodies: 2, calls: 0, postings: 0, journal entries: 0 (retention: the stay "
                "ended more than 30 days ago)")
    assert [line.rsplit(" [", 1)[0] for line in erasures(path, "101")] == [expected]
    assert [line.rsplit(" [", 1)[0] for line in erasures(path, "102")] == [expected]
