"""The simple spec check itself catches what it is there for."""

from __future__ import annotations

from tests.ohip.factories import in_house_page, in_house_row, polled, reservation
from tests.ohip.spec import problems


def test_a_misnamed_field_or_a_status_opera_does_not_know_is_caught() -> None:
    body = {"calls": [{"callTime": "2026-03-11T07:00:00", "state": "Pending",
                       "status": "Done"}]}
    assert problems("fof.json", "wakeUpCalls", body) == [
        "wakeUpCalls.calls[0].state: no such field",
        "wakeUpCalls.calls[0].status: 'Done' is not one of "
        "['Completed', 'NoAnswer', 'Cancelled', 'Pending']"]


def test_the_answers_the_tests_give_are_shaped_as_oracle_says() -> None:
    assert problems("rsv.json", "reservation", reservation()) == []
    assert problems("rsv.json", "reservationsDetails", in_house_page(
        [in_house_row("1", "101", vip="GOLD")], offset=0, total=1, has_more=False)) == []
    assert problems("int.json", "businessEvents", {"businessEventData": [
        polled("CHECK IN", "880001")]}) == []
