"""What a PMS gets back for good events: durable before acknowledged, each id once, a batch
whole or not at all."""

from __future__ import annotations

from connector.store import Store
from tests.web.pms import Hotel, batch, check_in, check_out, dnd


def zoom_changes(hotel: Hotel) -> list[int]:
    """The log positions of every change Zoom accepted (reads aside)."""
    return [e.seq for e in hotel.sandbox.log.entries()
            if e.method != "GET" and e.endpoint != "oauth_token" and e.status < 300]


async def test_one_event_is_acknowledged_with_its_place_in_the_inbox(hotel: Hotel) -> None:
    response = await hotel.send(check_in("101", event_id="opera-1"))

    assert response.status_code == 202
    assert response.json() == {"id": "opera-1", "status": "stored", "duplicate": False, "seq": 1}
    assert response.headers["Location"] == "/v1/events/opera-1"


async def test_an_acknowledged_event_is_already_on_disk(hotel: Hotel) -> None:
    response = await hotel.send(check_in("101", event_id="opera-1"))
    assert response.status_code == 202

    # Another connection to the same file, as a restarted connector would open it.
    with Store(hotel.settings.store.path) as reopened:
        status = reopened.event_status("opera-1")
    assert status is not None and status.rooms == ["101"]


async def test_a_batch_is_acknowledged_event_by_event_in_order(hotel: Hotel) -> None:
    response = await hotel.send(batch(check_in("101", event_id="a"), dnd("101", event_id="b"),
                                      check_in("102", event_id="c")))

    assert response.status_code == 202
    assert response.json() == {"events": [
        {"id": "a", "status": "stored", "duplicate": False, "seq": 1},
        {"id": "b", "status": "stored", "duplicate": False, "seq": 2},
        {"id": "c", "status": "stored", "duplicate": False, "seq": 3},
    ]}
    assert hotel.stored() == 3


async def test_a_repeated_event_is_acknowledged_as_a_duplicate_and_not_applied_again(
    hotel: Hotel,
) -> None:
    event = check_in("101", event_id="opera-1")
    await hotel.send(event)
    await hotel.settle()
    changes = zoom_changes(hotel)
    assert changes  # the check-in renamed the room's phone

    again = await hotel.send(event)
    await hotel.settle()

    assert again.status_code == 202
    assert again.json() == {"id": "opera-1", "status": "duplicate", "duplicate": True, "seq": 1}
    assert hotel.stored() == 1
    assert zoom_changes(hotel) == changes


async def test_a_redelivered_batch_reports_each_earlier_event_as_a_duplicate(
    hotel: Hotel,
) -> None:
    first = check_in("101", event_id="a")
    await hotel.send(first)

    response = await hotel.send(batch(first, dnd("101", event_id="b")))

    answers = response.json()["events"]
    assert [(e["id"], e["status"]) for e in answers] == [("a", "duplicate"), ("b", "stored")]
    assert answers[0]["seq"] == 1 and answers[1]["seq"] > 1


async def test_one_bad_event_refuses_the_whole_batch(hotel: Hotel) -> None:
    broken = dnd("101")
    del broken["on"]

    response = await hotel.send(batch(check_in("101"), broken, check_out("101")))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "events[1].on"
    assert hotel.stored() == 0


async def test_one_unknown_room_refuses_the_whole_batch(hotel: Hotel) -> None:
    response = await hotel.send(batch(check_in("101"), check_in("102"), dnd("999")))

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("unknown_room", "events[2].room")
    assert "'999'" in error["message"]
    assert hotel.stored() == 0


async def test_every_problem_of_a_batch_is_reported_at_once(hotel: Hotel) -> None:
    no_room = check_in("101")
    del no_room["room"]
    typo = dnd("101") | {"onn": True}

    response = await hotel.send(batch(no_room, check_in("101"), typo))

    details = response.json()["error"]["details"]
    assert [(d["code"], d["field"]) for d in details] == [
        ("missing_field", "events[0].room"), ("unknown_field", "events[2].onn")]


async def test_a_pms_without_reservation_numbers_checks_guests_in_and_out_by_room(
    hotel: Hotel,
) -> None:
    arrival = {k: v for k, v in check_in("101", event_id="by-room-in").items()
               if k != "reservation"}
    departure = dict(check_out("101", event_id="by-room-out"), reservation=None)

    assert (await hotel.send(arrival)).status_code == 202
    with Store(hotel.settings.store.path) as store:
        room = store.room("101")
        assert room is not None and room.occupied
    assert (await hotel.send(departure)).status_code == 202
    with Store(hotel.settings.store.path) as store:
        room = store.room("101")
        assert room is not None and not room.occupied
