"""A day at a hotel on OPERA Cloud, end to end: what the front desk does in OPERA reaches the
room phones in Zoom through OHIP's stream, and what the phones report goes back to OPERA
through OHIP's REST API, every request and answer as Oracle's specs say."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from connector.sandbox.ohip.model import RoomCondition, WakeUpStatus
from tests.ohip_e2e.hotel import opera_hotel
from tests.support.waiting import until


async def test_check_in_move_name_change_and_check_out_follow_opera(tmp_path: Path) -> None:
    async with opera_hotel(tmp_path) as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        await hotel.shows("101", "Lovelace")
        assert hotel.may_call("101") != "internal only"

        hotel.opera.state.move(ada.id, "102")
        await hotel.shows("102", "Lovelace")
        await until(lambda: "Lovelace" not in hotel.shown("101"), within=15)

        hotel.opera.state.change_guest(ada.id, surname="King")
        await hotel.shows("102", "King")

        hotel.opera.state.check_out(ada.id)
        await until(lambda: "King" not in hotel.shown("102"), within=15)
        await hotel.settled()
        assert hotel.may_call("102") == "internal only"

        hotel.opera.state.reverse_check_out(ada.id)  # the guest came back for one more night
        await hotel.shows("102", "King")

        grace = hotel.arrives("Grace", "Hopper", "103")
        await hotel.shows("103", "Hopper")
        hotel.opera.state.reverse_check_in(grace.id)  # checked into the wrong room
        await until(lambda: "Hopper" not in hotel.shown("103"), within=15)
        await hotel.settled()
        assert hotel.may_call("103") == "internal only"

    assert hotel.opera.subscriptions[0].get("offsetType") == "highest"
    assert hotel.conformance.checked > 0


async def test_a_wake_up_set_in_opera_is_scheduled_and_its_result_put_back(
        tmp_path: Path) -> None:
    async with opera_hotel(tmp_path) as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        grace = hotel.arrives("Grace", "Hopper", "102")
        await hotel.shows("102", "Hopper")
        tomorrow = hotel.opera.state.local_now().replace(second=0, microsecond=0) + timedelta(
            days=1)
        at_seven = tomorrow.replace(hour=7, minute=0)
        hotel.opera.state.add_wakeup(ada.id, at_seven)
        hotel.opera.state.add_wakeup(grace.id, at_seven.replace(minute=30))

        def scheduled(room: str) -> list[datetime]:
            return [job.requested_at.astimezone(hotel.opera.state.tz).replace(tzinfo=None)
                    for job in hotel.connector.store.wakeup_jobs([room])]

        def pending(room: str) -> list[datetime]:
            return [job.requested_at.astimezone(hotel.opera.state.tz).replace(tzinfo=None)
                    for job in hotel.connector.store.wakeup_jobs([room])
                    if job.state == "pending"]

        await until(lambda: scheduled("101") == [at_seven], within=15)
        await until(lambda: scheduled("102") == [at_seven.replace(minute=30)], within=15)

        tz = hotel.opera.state.tz
        hotel.service.reporter.wakeup_answer("101", at_seven.replace(tzinfo=tz), "OK")
        hotel.service.reporter.wakeup_answer("102", at_seven.replace(minute=30, tzinfo=tz),
                                             "NR")
        await until(lambda: ada.wakeups[0].status is WakeUpStatus.COMPLETED, within=15)
        await until(lambda: grace.wakeups[0].status is WakeUpStatus.NO_ANSWER, within=15)
        assert ada.wakeups[0].call_time == at_seven  # the requested time, kept
        assert grace.wakeups[0].call_time == at_seven.replace(minute=30)

        # The guest changes her mind at the desk: OPERA deletes the call, the room's goes.
        at_eight = at_seven.replace(hour=8)
        call = hotel.opera.state.add_wakeup(ada.id, at_eight)
        await until(lambda: at_eight in pending("101"), within=15)
        hotel.opera.state.delete_wakeup(ada.id, call)
        await until(lambda: at_eight not in pending("101"), within=15)



async def test_a_room_status_keyed_on_the_phone_and_a_call_charge_reach_opera(
        tmp_path: Path) -> None:
    async with opera_hotel(tmp_path) as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        await hotel.shows("101", "Lovelace")

        hotel.service.reporter.maid_status("104", 3)  # clean, vacant
        room = hotel.opera.state.room("104")
        await until(lambda: room.condition is RoomCondition.CLEAN, within=15)

        p_number = hotel.service.reporter.post_charge(
            "101", 345, "442079460018", 192, hotel.zoom.clock.now())
        state = hotel.opera.state
        await until(lambda: len(state.postings) == 1, within=15)
        posting = state.postings[0]
        assert (posting.reservation_id, posting.amount, posting.currency,
                posting.transaction_code) == (ada.id, Decimal("3.45"), "EUR", "9400")
        assert "4420" not in posting.remark  # the dialled number stays off the folio
        await hotel.settled()
        assert p_number > 0

        # OPERA takes the next charge, but its answer is lost on the way back: OHIP has no
        # idempotency key, so the connector never posts it again; a person checks the folio.
        hotel.opera.faults.drop_after_body(1, "postBillingCharges")
        hotel.service.reporter.post_charge("101", 120, "442079460018", 60,
                                           hotel.zoom.clock.now())
        outbox = hotel.connector.store.outbox
        await until(lambda: len(outbox.unknown_postings()) == 1, within=15)
        hotel.zoom.clock.advance(3600)
        hotel.service.reporter.nudge()
        await hotel.settled()
        assert [p.amount for p in state.postings] == [Decimal("3.45"), Decimal("1.20")]
        [unknown] = outbox.unknown_postings()
        assert "folio" in (unknown.last_error or "")


async def test_where_streaming_is_not_licensed_the_dequeue_carries_the_day(
        tmp_path: Path) -> None:
    async with opera_hotel(tmp_path, CONNECTOR_OHIP__EVENTS="poll") as hotel:
        ada = hotel.arrives("Ada", "Lovelace", "101")
        await hotel.shows("101", "Lovelace")
        hotel.opera.state.move(ada.id, "102")
        await hotel.shows("102", "Lovelace")
        hotel.opera.state.check_out(ada.id)
        await until(lambda: "Lovelace" not in hotel.shown("102"), within=15)
        await hotel.settled()

    assert hotel.opera.subscriptions == []  # no stream was opened
    dequeues = hotel.opera.requests.entries("getBusinessEvents")
    assert dequeues and all(r.status in (200, 204) for r in dequeues)
    assert len(hotel.applied()) == len(set(hotel.applied())) == 3
