"""Who is calling (caller id) and what a final response means for a wake-up dial."""

from __future__ import annotations

import pytest

from connector.sip.api import CallerId, DialStatus
from connector.sip.inbound import caller_id
from connector.sip.outbound import status_for
from tests.sip.unit.factories import invite


def test_asserted_identity_wins_over_from() -> None:
    request = invite(extra='P-Asserted-Identity: "Housekeeping 7" <sip:+15557770007@z.test>\r\n')
    assert caller_id(request) == CallerId(number="+15557770007", name="Housekeeping 7",
                                          from_user="2101", dialled="7001")


def test_tel_uri_identity_and_from_display_name() -> None:
    request = invite(extra="P-Asserted-Identity: <tel:+15557770008;cpc=ordinary>\r\n")
    assert caller_id(request) == CallerId(number="+15557770008", name="Room 101",
                                          from_user="2101", dialled="7001")


def test_without_identity_the_from_user_calls_and_the_uri_says_what_was_dialled() -> None:
    request = invite()
    request.replace("To", "<sip:hotel.test>")
    assert caller_id(request) == CallerId(number="2101", name="Room 101", from_user="2101",
                                          dialled="1001")


@pytest.mark.parametrize(("code", "cancelled", "status"), [
    (486, False, DialStatus.BUSY), (600, False, DialStatus.BUSY),
    (408, False, DialStatus.NO_ANSWER), (480, False, DialStatus.NO_ANSWER),
    (487, True, DialStatus.NO_ANSWER), (487, False, DialStatus.FAILED),
    (403, False, DialStatus.FAILED), (488, False, DialStatus.FAILED),
    (503, False, DialStatus.FAILED),
])
def test_final_responses_become_dial_outcomes(code: int, cancelled: bool,
                                              status: DialStatus) -> None:
    assert status_for(code, cancelled=cancelled) is status
