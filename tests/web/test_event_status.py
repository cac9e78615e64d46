"""An integrator follows an event: received, then applied once Zoom has it, or failed and why."""

from __future__ import annotations

from connector.sandbox.demo_hotel import UNPROVISIONED_ROOMS
from tests.web.pms import Hotel, batch, check_in, dnd


async def test_an_event_is_received_then_applied_once_the_reconciler_has_run(
    hotel: Hotel,
) -> None:
    await hotel.send(check_in("101", event_id="opera-1"))

    before = (await hotel.status("opera-1")).json()
    await hotel.settle()
    after = (await hotel.status("opera-1")).json()

    assert (before["state"], before["type"], before["rooms"], before["seq"]) == (
        "received", "check_in", ["101"], 1)
    assert (after["state"], after["error"]) == ("applied", None)
    assert after["received_at"].startswith(hotel.sandbox.clock.now().date().isoformat())


async def test_an_event_for_a_room_whose_extension_is_not_in_zoom_fails_and_says_why(
    hotel: Hotel,
) -> None:
    room, _ = UNPROVISIONED_ROOMS[0]  # in the room map, but no such phone in Zoom
    await hotel.send(check_in(room, event_id="opera-2"))
    await hotel.settle()

    status = (await hotel.status("opera-2")).json()

    assert status["state"] == "failed"
    assert f"room {room}" in status["error"]
    assert "not in the Zoom directory" in status["error"]


async def test_a_duplicate_shows_the_first_copys_status(hotel: Hotel) -> None:
    await hotel.send(batch(check_in("101", event_id="a"), dnd("101", event_id="b")))
    await hotel.settle()
    await hotel.send(dnd("101", event_id="b"))

    status = (await hotel.status("b")).json()

    assert (status["state"], status["seq"]) == ("applied", 2)


async def test_an_event_never_received_is_not_found(hotel: Hotel) -> None:
    response = await hotel.status("never-sent")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "event_not_found", "id": "never-sent",
        "message": "No event with id 'never-sent' was ever received.",
    }
