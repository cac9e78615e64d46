"""OHIP business events become notices keyed for idempotency, kept as received."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.pms.ohip.notices import MalformedEvent, poll_notices, stream_notice, stream_offset

NOW = datetime(2026, 12, 8, 7, 0, 3, tzinfo=UTC)


def test_a_streamed_check_in_is_keyed_by_its_unique_event_id() -> None:
    payload = {"metadata": {"offset": "1841", "uniqueEventId": "u-77"}, "moduleName": "RESERVATION",
               "eventName": "CHECK IN", "primaryKey": "1001", "timestamp": "2026-12-08T07:00:00Z",
               "hotelId": "HOTEL1", "detail": [{"elementName": "ROOMNO", "newValue": "112"}]}

    notice = stream_notice(payload, NOW)

    assert (notice.key, notice.name, notice.received_at) == ("ohip:u-77", "CHECK IN", NOW)
    assert notice.body == payload
    assert stream_offset(payload) == "1841"


def test_a_dequeued_batch_is_keyed_by_business_event_id_in_order() -> None:
    answer = {"businessEventData": [
        {"businessEvent": {"header": {"actionType": "CHECK OUT", "primaryKey": "1002"},
                           "details": []}, "businessEventId": {"id": "1971132"}},
        {"businessEvent": {"header": {"actionType": "CREATE WAKE UP CALL", "primaryKey": "1003"},
                           "details": []}, "businessEventId": {"id": "1971133"}},
    ]}

    notices = poll_notices(answer, NOW)

    assert [(n.key, n.name) for n in notices] == [("ohip:1971132", "CHECK OUT"),
                                                  ("ohip:1971133", "CREATE WAKE UP CALL")]
    assert notices[1].body == answer["businessEventData"][1]


def test_an_empty_dequeue_holds_no_notice() -> None:
    assert poll_notices(None, NOW) == []
    assert poll_notices({}, NOW) == []


def test_an_event_without_its_id_is_refused_not_guessed() -> None:
    with pytest.raises(MalformedEvent):
        stream_notice({"metadata": {"offset": "3"}, "eventName": "CHECK IN"}, NOW)
    with pytest.raises(MalformedEvent):
        poll_notices({"businessEventData": [{"businessEvent": {"header": {}}}]}, NOW)
