"""The housekeeping status in the room state: what it keeps, what leaves it alone, and that
only the room phone and the FIAS PMS can set it (the PMS webhook cannot)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from connector.events.models import CheckOut, HousekeepingStatus, HousekeepingUpdate
from connector.pms.fias.inbound import InboundTranslator
from connector.pms.reports import room_condition_payload
from connector.web.errors import ApiError
from connector.web.parsing import parse_body
from tests.ivr.conftest import HOTEL, Desk
from tests.ivr.fakes import keys
from tests.store.fias_hotel import rec


async def test_the_status_outlives_the_guests_check_out(desk: Desk) -> None:
    desk.check_in("101")
    await desk.call("2101", keys("2"))

    desk.ingest([CheckOut(id="co-1", occurred_at=desk.clock.now(), room="101",
                          reservation="R101")], source="fias")

    kept = desk.room("101").housekeeping
    assert not desk.room("101").occupied
    assert kept is not None and (kept.status, kept.maid_status) == ("clean", 4)


async def test_a_new_status_is_a_new_version_of_the_room(desk: Desk) -> None:
    await desk.call("2101", keys("1"))
    first = desk.room("101").version

    await desk.call("2101", keys("3"))

    assert desk.room("101").version == first + 1


def test_the_pms_webhook_does_not_accept_a_housekeeping_status() -> None:
    event = HousekeepingUpdate(id="hk-1", occurred_at=datetime(2026, 3, 10, 10, tzinfo=HOTEL),
                               room="101", status=HousekeepingStatus.CLEAN)

    with pytest.raises(ApiError) as refused:
        parse_body(json.dumps(event.model_dump(mode="json")).encode(), rooms={"101"},
                   max_events=10)

    assert refused.value.code == "unknown_event_type"


def test_a_room_condition_report_is_refused_when_made_if_it_is_no_plain_word() -> None:
    assert room_condition_payload("101", "out_of_order", 1) == {
        "status": 1, "condition": "out_of_order"}
    with pytest.raises(ValueError, match="lower-case word"):
        room_condition_payload("101", "Out|Of|Order", 1)


def test_a_maid_status_changed_in_the_pms_is_kept_and_never_sent_back(desk: Desk) -> None:
    desk.check_in("101")
    fias = InboundTranslator(tz=HOTEL)
    fias.link_up()
    desk.ingest(list(fias.translate(rec("RE|RN101|RS4|"), received_at=desk.clock.now())),
                source="fias")

    kept = desk.room("101").housekeeping
    assert kept is not None
    assert (kept.status, kept.maid_status, kept.source) == ("clean", 4, "pms")
    assert desk.reports() == []  # the PMS knows already: no RE RS4 echoed to it
