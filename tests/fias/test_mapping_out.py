"""Records the connector sends the PMS, and the posting answer it reads back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connector.pms.fias.codec import Record
from connector.pms.fias.errors import MappingError
from connector.pms.fias.outbound import (
    AnswerStatus,
    GuestServiceStatus,
    MaidStatus,
    guest_service_status,
    maid_status,
    parse_posting_answer,
    posting,
    wakeup_answer,
    wakeup_clear,
    wakeup_set,
)

HOTEL = ZoneInfo("America/New_York")
REQUESTED = datetime(2026, 7, 9, 6, 30, tzinfo=HOTEL)


def test_a_wakeup_answer_carries_the_original_requested_time() -> None:
    # Answered at 06:31 UTC-4, but the PMS finds the request by the time it asked for.
    record = wakeup_answer("0330", REQUESTED, AnswerStatus.OK, tz=HOTEL)
    assert str(record) == "WA|RN0330|DA260709|TI063000|ASOK|"


@pytest.mark.parametrize("status", ["OK", "NR", "BY", "UR"])
def test_every_wakeup_outcome_has_its_status(status: str) -> None:
    assert wakeup_answer("101", REQUESTED, status, tz=HOTEL).get("AS") == status


def test_a_utc_time_is_written_in_hotel_time() -> None:
    record = wakeup_answer("101", datetime(2026, 7, 9, 10, 30, tzinfo=UTC), "NR", tz=HOTEL)
    assert (record.get("DA"), record.get("TI")) == ("260709", "063000")


def test_an_unknown_looking_status_is_refused() -> None:
    with pytest.raises(ValueError, match="two capital letters"):
        wakeup_answer("101", REQUESTED, "answered", tz=HOTEL)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        wakeup_set("101", datetime(2026, 7, 9, 6, 30), tz=HOTEL)


def test_wakeups_set_and_cleared_from_the_room_phone() -> None:
    assert str(wakeup_set("101", REQUESTED, tz=HOTEL)) == "WR|RN101|DA260709|TI063000|"
    assert str(wakeup_clear("101", REQUESTED, tz=HOTEL)) == "WC|RN101|DA260709|TI063000|"


@pytest.mark.parametrize("status", list(range(1, 7)))
def test_maid_status_from_the_room_phone(status: int) -> None:
    assert str(maid_status("101", status)) == f"RE|RN101|RS{status}|"


def test_maid_status_outside_one_to_six_is_refused() -> None:
    with pytest.raises(ValueError):
        maid_status("101", 7)
    assert maid_status("101", MaidStatus.INSPECTED_VACANT).get("RS") == "5"


def test_dnd_and_make_up_room_from_the_room_phone_go_as_guest_service_status() -> None:
    # Oracle's spec: DN cannot be sent to the PMS; RS 8 DND on, 9 make-up room, 10 all off.
    assert str(guest_service_status("101", GuestServiceStatus.DND_ON)) == "RE|RN101|RS8|"
    assert str(guest_service_status("101", GuestServiceStatus.MAKE_UP_ROOM)) == "RE|RN101|RS9|"
    assert str(guest_service_status("101", GuestServiceStatus.ALL_OFF)) == "RE|RN101|RS10|"


@pytest.mark.parametrize("status", [1, 6, 7, 11])
def test_a_guest_service_status_outside_eight_to_ten_is_refused(status: int) -> None:
    with pytest.raises(ValueError):
        guest_service_status("101", status)


def test_a_call_charge_posting() -> None:
    record = posting(
        12345678, "101", 150, at=datetime(2026, 7, 9, 14, 5, 9, tzinfo=HOTEL), tz=HOTEL,
        dialled="00390612345", duration=timedelta(minutes=3, seconds=7), reservation="4711",
    )
    assert str(record) == (
        "PS|RN101|PTC|TA150|DD00390612345|DU000307|DA260709|TI140509|P#12345678|G#4711|")


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"posting_number": 0}, "P#"),
    ({"posting_number": 100_000_000}, "P#"),
    ({"amount_minor": 1.5}, "TA"),
    ({"amount_minor": -1}, "TA"),
    ({"dialled": "+39 06"}, "DD"),
    ({"duration": timedelta(hours=100)}, "duration"),
])
def test_a_posting_refuses_what_the_pms_would_misread(kwargs: dict[str, object],
                                                      problem: str) -> None:
    args: dict[str, object] = {"posting_number": 1, "room": "101", "amount_minor": 100,
                               "at": REQUESTED, "tz": HOTEL, **kwargs}
    with pytest.raises(ValueError, match=problem):
        posting(**args)  # type: ignore[arg-type]


def test_a_posting_answer_is_matched_by_its_number() -> None:
    answer = Record("PA", (("AS", "OK"), ("DA", "260709"), ("P#", "900001"), ("RN", "101")))
    assert parse_posting_answer(answer) == (900001, "OK")
    refused = Record("PA", (("AS", "NP"), ("P#", "900002")))
    assert parse_posting_answer(refused) == (900002, "NP")


@pytest.mark.parametrize("record", [
    Record("PA", (("AS", "OK"),)),
    Record("PA", (("P#", "12"),)),
    Record("PA", (("P#", "x"), ("AS", "OK"))),
    Record("PS", (("P#", "12"), ("AS", "OK"))),
])
def test_a_posting_answer_that_cannot_be_matched_is_an_error(record: Record) -> None:
    with pytest.raises(MappingError):
        parse_posting_answer(record)
