"""The adapter's tests hold OPERA to Oracle's full published specs (tests/ohip_spec.py): the
oracle catches what it is there for, and the answers the tests mock are shaped as Oracle
says."""

from __future__ import annotations

import pytest

from tests.ohip.factories import in_house_page, in_house_row, polled, reservation
from tests.ohip_spec import OhipSpec, SpecViolation

CALLS = "/fof/v1/hotels/HOTEL1/reservations/880001/wakeUpCalls"


def test_a_misnamed_field_or_a_status_opera_does_not_know_is_caught() -> None:
    body = {"calls": [{"callTime": "2026-03-11T07:00:00", "state": "Pending",
                       "status": "Done"}]}
    with pytest.raises(SpecViolation) as caught:
        OhipSpec.load().validate_request("PUT", CALLS, body=body)
    assert "state" in str(caught.value) and "'Done'" in str(caught.value)


def test_the_answers_the_tests_give_are_shaped_as_oracle_says() -> None:
    spec = OhipSpec.load()
    spec.validate_response("GET", "/rsv/v1/hotels/HOTEL1/reservations/880001", 200,
                           reservation())
    spec.validate_response("GET", "/rsv/v1/hotels/HOTEL1/reservations", 200, in_house_page(
        [in_house_row("1", "101", vip="GOLD")], offset=0, total=1, has_more=False))
    spec.validate_response(
        "GET", "/int/v1/externalSystem/ZOOMPHONE/hotels/HOTEL1/businessEvents", 200,
        {"businessEventData": [polled("CHECK IN", "880001")]})
