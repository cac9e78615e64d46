"""A PMS that anonymises a guest tells the connector with a signed `guest_anonymised` event:
the stay's personal data is erased at once, exactly once, and a forged request erases
nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.web.pms import Hotel, check_in, check_out, new_id


def names_in_inbox(hotel: Hotel) -> list[str]:
    with sqlite3.connect(Path(hotel.settings.store.path)) as conn:
        return [body for (body,) in conn.execute("SELECT body FROM inbox")
                if "Lovelace" in body or "Hopper" in body]


def anonymised(room: str) -> dict[str, object]:
    return {"type": "guest_anonymised", "id": new_id(),
            "occurred_at": "2026-03-09T10:00:00+01:00", "reservation": f"R-{room}"}


async def test_a_signed_anonymisation_erases_the_guest_once(hotel: Hotel) -> None:
    await hotel.send(check_in("101", last="Lovelace"))
    await hotel.send(check_in("102", last="Hopper"))
    await hotel.send(check_out("101"))
    event = anonymised("101")

    first = await hotel.send(event)
    again = await hotel.send(event)

    assert first.status_code == again.status_code == 202
    assert again.json()["duplicate"] is True
    [left] = names_in_inbox(hotel)
    assert "Hopper" in left
    status = await hotel.status(str(event["id"]))
    assert status.json()["type"] == "guest_anonymised"


async def test_a_forged_anonymisation_erases_nothing(hotel: Hotel) -> None:
    await hotel.send(check_in("101", last="Lovelace"))
    await hotel.send(check_out("101"))

    forged = await hotel.send(anonymised("101"), secrets=["not-the-hotel's-secret"])

    assert forged.status_code == 401
    assert len(names_in_inbox(hotel)) == 1


async def test_an_anonymisation_must_name_a_stay(hotel: Hotel) -> None:
    vague = {"type": "guest_anonymised", "id": new_id(),
             "occurred_at": "2026-03-09T10:00:00+01:00", "room": "101"}

    answer = await hotel.send(vague)

    assert answer.status_code == 422
    assert hotel.stored() == 0


async def test_a_guest_still_in_house_loses_the_stored_copies_but_keeps_the_room_name(
        hotel: Hotel) -> None:
    await hotel.send(check_in("101", last="Lovelace"))

    answer = await hotel.send(anonymised("101"))

    assert answer.status_code == 202
    assert names_in_inbox(hotel) == []
    room = hotel.connector.store.room("101")
    assert room is not None and room.stays[0].primary.last_name == "Lovelace"
