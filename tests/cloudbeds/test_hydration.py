"""What a thin Cloudbeds notice means for the phones, read back with ONE getReservation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import httpx
import pytest
import respx

from connector.events.models import (
    AnyEvent,
    CheckIn,
    CheckOut,
    Guest,
    GuestChange,
    HousekeepingStatus,
    HousekeepingUpdate,
)
from connector.pms.cloud.contract import Notice, PmsRefused
from connector.pms.cloudbeds.adapter import CloudbedsPms
from tests.cloudbeds.conftest import PROPERTY, ok

ARRIVED = 1773133200  # 2026-03-10 09:00 UTC


def notice(event: str, reservation: str = "889", timestamp: int = ARRIVED,
           **extra: object) -> Notice:
    body: dict[str, object] = {"version": "1.0", "event": event, "timestamp": timestamp,
                               "propertyID": PROPERTY, "reservationID": reservation, **extra}
    return Notice(key=f"cloudbeds:{event}:{reservation}:{timestamp}", name=event, body=body,
                  received_at=datetime(2026, 3, 10, 9, 0, 2, tzinfo=UTC))


def reservation(status: str, rooms: Sequence[tuple[str, str]]) -> httpx.Response:
    """getReservation for the Okafor family: Ada in the first room, Tunde in the second."""
    guests = {
        "g1": {"guestID": "g1", "guestFirstName": "Ada", "guestLastName": "Okafor",
               "isMainGuest": True, "roomID": rooms[0][1] if rooms else "",
               "guestStatus": "in_house"},
        "g2": {"guestID": "g2", "guestFirstName": "Tunde", "guestLastName": "Okafor",
               "isMainGuest": False, "roomID": rooms[-1][1] if rooms else "",
               "guestStatus": "in_house"},
    }
    assigned = [{"reservationRoomID": f"rr-{room_id}", "roomTypeName": "Double",
                 "roomName": name, "roomID": room_id, "startDate": "2026-03-10",
                 "endDate": "2026-03-13", "adults": "1", "children": "0"}
                for name, room_id in rooms]
    return ok({"propertyID": PROPERTY, "reservationID": "889", "status": status,
               "guestName": "Ada Okafor", "guestList": guests, "assigned": assigned,
               "unassigned": [], "startDate": "2026-03-10", "endDate": "2026-03-13"})


def summary(events: Sequence[AnyEvent]) -> list[tuple[str, str, str | None]]:
    return [(e.type, getattr(e, "room", ""), getattr(e, "old_room", None)) for e in events]


async def test_a_family_checking_into_two_rooms_is_one_read_and_a_check_in_per_room(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("101", "r-101"), ("102", "r-102")]))
    events = await pms.hydrate(notice("reservation/status_changed", status="checked_in"))

    assert read.call_count == 1
    assert read.calls.last.request.url.params["reservationID"] == "889"
    assert [type(e) for e in events] == [CheckIn, CheckIn]
    first, second = events
    assert isinstance(first, CheckIn) and isinstance(second, CheckIn)
    assert (first.room, first.guests) == ("101", [Guest(first_name="Ada", last_name="Okafor")])
    assert (second.room, second.guests) == ("102", [Guest(first_name="Tunde",
                                                          last_name="Okafor")])
    assert first.reservation == "889" and first.departure == date(2026, 3, 13)
    assert first.occurred_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    key = "cloudbeds:reservation/status_changed:889:1773133200"
    assert [e.id for e in events] == [f"{key}#0", f"{key}#1"]


async def test_a_room_change_in_house_is_a_move_from_the_old_room(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("101", "r-101"), ("102", "r-102")]))
    await pms.hydrate(notice("reservation/status_changed", status="checked_in"))
    read.mock(return_value=reservation("checked_in", [("101", "r-101"), ("104", "r-104")]))

    events = await pms.hydrate(notice("reservation/accommodation_changed",
                                      timestamp=ARRIVED + 600))

    assert summary(events) == [("guest_change", "101", None),
                               ("guest_change", "104", "102")]
    moved = events[1]
    assert isinstance(moved, GuestChange) and moved.reservation == "889"
    assert moved.guests == [Guest(first_name="Tunde", last_name="Okafor")]
    assert read.call_count == 2


async def test_a_check_out_frees_every_room_of_the_reservation(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("101", "r-101"), ("102", "r-102")]))
    await pms.hydrate(notice("reservation/status_changed", status="checked_in"))
    read.mock(return_value=reservation("checked_out", [("101", "r-101"), ("102", "r-102")]))

    events = await pms.hydrate(notice("reservation/status_changed", status="checked_out",
                                      timestamp=ARRIVED + 3600))

    assert summary(events) == [("check_out", "101", None), ("check_out", "102", None)]
    assert all(isinstance(e, CheckOut) and e.reservation == "889" for e in events)


async def test_a_late_check_in_notice_after_the_check_out_changes_nothing(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    """Out of order: the reservation as it is now (checked out) decides, not the notice."""
    cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_out", [("101", "r-101")]))
    events = await pms.hydrate(notice("reservation/dates_changed"))
    assert events == []


async def test_new_dates_for_a_stay_in_house_are_a_guest_change(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("103", "r-103")]))
    await pms.hydrate(notice("reservation/status_changed", status="checked_in"))
    events = await pms.hydrate(notice("reservation/dates_changed", timestamp=ARRIVED + 60))
    assert summary(events) == [("guest_change", "103", None)]
    assert read.call_count == 2


async def test_a_deleted_reservation_in_house_is_checked_out_without_a_read(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("103", "r-103")]))
    await pms.hydrate(notice("reservation/status_changed", status="checked_in"))
    events = await pms.hydrate(notice("reservation/deleted", timestamp=ARRIVED + 60))
    assert summary(events) == [("check_out", "103", None)]
    assert read.call_count == 1


async def test_a_room_cleaned_in_cloudbeds_is_a_housekeeping_update_from_the_pms(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    event = "housekeeping/room_condition_changed"
    cleaned = Notice(key=f"cloudbeds:{event}:r-104:{ARRIVED}", name=event,
                     body={"event": event, "timestamp": ARRIVED, "propertyID": PROPERTY,
                           "roomID": "r-104", "roomCondition": "clean"},
                     received_at=datetime(2026, 3, 10, 9, 0, 2, tzinfo=UTC))
    events = await pms.hydrate(cleaned)
    assert len(events) == 1 and isinstance(events[0], HousekeepingUpdate)
    assert (events[0].room, events[0].status, events[0].source) == (
        "104", HousekeepingStatus.CLEAN, "pms")


async def test_a_reservation_cloudbeds_no_longer_has_is_refused(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getReservation").mock(return_value=httpx.Response(
        200, json={"success": False, "message": "Reservation not found"}))
    with pytest.raises(PmsRefused, match="not found"):
        await pms.hydrate(notice("reservation/created"))


async def test_in_house_reads_a_page_of_100_guests_at_a_time(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["pageNumber"])
        # 150 guests: two to a reservation, reservations 1..75, rooms numbered 201..275.
        guests = [{"guestID": f"g{n}", "reservationID": str(n // 2 + 1),
                   "roomID": f"r-{201 + n // 2}", "roomName": str(201 + n // 2),
                   "guestFirstName": f"Guest{n}", "guestLastName": "Visitor",
                   "startDate": "2026-03-09 00:00:00", "endDate": "2026-03-12 00:00:00",
                   "currentStatus": "in_house"}
                  for n in range((number - 1) * 100, min(number * 100, 150))]
        return ok(guests, count=len(guests), total=150)

    route = cloudbeds.get("/getGuestsByStatus").mock(side_effect=page)
    check_ins = await pms.in_house()

    assert route.call_count == 2
    assert {c.request.url.params["status"] for c in route.calls} == {"in_house"}
    assert {c.request.url.params["pageSize"] for c in route.calls} == {"100"}
    assert len(check_ins) == 75
    first = check_ins[0]
    assert (first.room, first.reservation, len(first.guests)) == ("201", "1", 2)
    assert first.arrival == date(2026, 3, 9) and first.departure == date(2026, 3, 12)


async def test_after_a_resync_a_room_change_is_a_move(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getGuestsByStatus").mock(return_value=ok([
        {"guestID": "g1", "reservationID": "889", "roomID": "r-102", "roomName": "102",
         "guestFirstName": "Ada", "guestLastName": "Okafor", "currentStatus": "in_house"}],
        count=1, total=1))
    await pms.in_house()
    cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("103", "r-103")]))
    events = await pms.hydrate(notice("reservation/accommodation_changed"))
    assert summary(events) == [("guest_change", "103", "102")]


async def test_a_check_out_whose_check_in_notice_was_lost_still_frees_the_room(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_out", [("104", "r-104")]))
    events = await pms.hydrate(notice("reservation/status_changed", status="checked_out"))
    assert summary(events) == [("check_out", "104", None)]


@pytest.mark.parametrize("status", ["confirmed", "canceled", "no_show"])
async def test_a_booking_that_never_arrived_means_nothing_for_the_phones(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter, status: str) -> None:
    cloudbeds.get("/getReservation").mock(return_value=reservation(status, [("104", "r-104")]))
    assert await pms.hydrate(notice("reservation/status_changed", status=status)) == []


async def test_a_check_in_reversed_in_cloudbeds_frees_the_room(
        pms: CloudbedsPms, cloudbeds: respx.MockRouter) -> None:
    read = cloudbeds.get("/getReservation").mock(
        return_value=reservation("checked_in", [("101", "r-101")]))
    await pms.hydrate(notice("reservation/status_changed", status="checked_in"))
    read.mock(return_value=reservation("confirmed", [("101", "r-101")]))
    events = await pms.hydrate(notice("reservation/status_changed", status="confirmed",
                                      timestamp=ARRIVED + 120))
    assert summary(events) == [("check_out", "101", None)]
