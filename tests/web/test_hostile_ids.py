"""Event ids a hostile or careless PMS may send: refused by name before anything is stored,
and every id that is stored can be followed with `GET /v1/events/{id}`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from connector.events.models import Dnd
from tests.web.pms import Hotel, batch, check_in, dnd

HOSTILE_IDS = {
    "not Latin-1": "chambre-\u5ba2\u623f-101",
    "Latin-1 but not ASCII": "r\u00e9servation-7",
    "CR/LF (header injection)": "ci-1\r\nSet-Cookie: x=1",
    "slash": "opera/4711",
    "percent": "opera%2F4711",
    "space": "opera 4711",
    "200 characters": "x" * 200,
    "empty": "",
    "only whitespace": "   ",
    "NUL": "a\x00b",
}


@pytest.mark.parametrize("event_id", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
async def test_a_hostile_id_is_refused_naming_the_field_and_what_is_allowed(
    hotel: Hotel, event_id: str
) -> None:
    response = await hotel.send(dnd() | {"id": event_id})

    error = response.json()["error"]
    assert (response.status_code, error["code"], error["field"]) == (
        422, "invalid_event_id", "id")
    assert "A-Z" in error["message"] and "1 to 128" in error["message"]
    assert error["message"].isascii() and "\r" not in error["message"]
    assert hotel.stored() == 0


async def test_a_batch_with_one_hostile_id_names_that_event_and_stores_nothing(
    hotel: Hotel,
) -> None:
    response = await hotel.send(batch(check_in("101", event_id="ci-1"),
                                      dnd("101", event_id="dnd/2")))

    error = response.json()["error"]
    assert (response.status_code, error["field"]) == (422, "events[1].id")
    assert [d["field"] for d in error["details"]] == ["events[1].id"]
    assert hotel.stored() == 0


async def test_a_hostile_resync_id_is_refused_too(hotel: Hotel) -> None:
    response = await hotel.send({"type": "resync_start", "id": "rs-1",
                                 "occurred_at": "2026-03-02T09:00:00+00:00",
                                 "resync_id": "night\nly"})

    assert (response.status_code, response.json()["error"]["field"]) == (422, "resync_id")


@pytest.mark.parametrize("event_id", ["opera-4711-ci", "A.b_c:d-9", "x" * 128, "0"])
async def test_every_accepted_id_is_found_where_its_location_says(
    hotel: Hotel, event_id: str
) -> None:
    sent = await hotel.send(check_in("101", event_id=event_id))
    found = await hotel.http.get(sent.headers["Location"], headers=hotel.signed(b""))

    assert sent.status_code == 202
    assert (found.status_code, found.json()["id"]) == (200, event_id)


@pytest.mark.parametrize("event_id", [
    "zoom-presence:u-1:2026-03-02T09:00:00+00:00:Do_Not_Disturb",
    "fias/odd%id \u5ba2",
])
async def test_an_id_the_connector_made_itself_is_found_url_encoded(
    hotel: Hotel, event_id: str
) -> None:
    """Zoom presence ids hold ':' and '+': not the webhook's to accept, but still followed."""
    hotel.connector.ingest([Dnd(id=event_id, occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                                room="101", on=True)], source="zoom")

    found = await hotel.http.get(f"/v1/events/{quote(event_id, safe='')}",
                                 headers=hotel.signed(b""))

    assert (found.status_code, found.json()["id"]) == (200, event_id)


async def test_an_unknown_hostile_id_is_a_clean_404(hotel: Hotel) -> None:
    hostile = quote("no%0d%0a\r\n\u5ba2/x", safe="")
    found = await hotel.http.get(f"/v1/events/{hostile}", headers=hotel.signed(b""))

    assert (found.status_code, found.json()["error"]["code"]) == (404, "event_not_found")


async def test_a_stored_event_is_acknowledged_even_if_logging_it_fails(
    hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise UnicodeEncodeError("latin-1", "x", 0, 1, "a log handler that cannot encode")

    monkeypatch.setattr("connector.web.routes_events._count_and_log", broken)

    response = await hotel.send(dnd(event_id="dnd-1"))

    assert response.status_code == 202
    assert hotel.stored() == 1
