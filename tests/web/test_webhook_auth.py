"""Only the hotel's PMS gets in: a signature over the raw body, fresh, with a shared secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.web.pms import JSON, OLD_SECRET, SECRET, Hotel, check_in, encode, open_hotel


async def test_a_signed_event_is_stored(hotel: Hotel) -> None:
    response = await hotel.send(check_in("101"))

    assert response.status_code == 202
    assert hotel.stored() == 1


async def test_a_wrong_signature_is_refused_and_nothing_is_stored(hotel: Hotel) -> None:
    response = await hotel.send(check_in("101"), secrets=["not-the-hotels-secret-at-all"])

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_mismatch"
    assert "WWW-Authenticate" in response.headers
    assert hotel.stored() == 0


async def test_a_body_changed_after_signing_is_refused(hotel: Hotel) -> None:
    signed_for = encode(check_in("101", first="Ada"))
    tampered = signed_for.replace(b"Ada", b"Eve")

    response = await hotel.http.post("/v1/pms/events", content=tampered,
                                     headers={**JSON, **hotel.signed(signed_for)})

    assert response.json()["error"]["code"] == "signature_mismatch"
    assert hotel.stored() == 0


async def test_an_unsigned_request_is_refused(hotel: Hotel) -> None:
    response = await hotel.http.post("/v1/pms/events", content=encode(check_in()), headers=JSON)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "timestamp_missing"


async def test_a_request_without_a_signature_header_is_refused(hotel: Hotel) -> None:
    response = await hotel.send(check_in(), headers={"X-Connector-Signature": ""})

    assert (response.status_code, response.json()["error"]["code"]) == (
        401, "signature_missing")
    assert hotel.stored() == 0


async def test_a_replayed_request_is_refused_once_the_window_has_passed(hotel: Hotel) -> None:
    body = encode(check_in("101"))
    headers = {**JSON, **hotel.signed(body)}
    hotel.advance(301)

    response = await hotel.http.post("/v1/pms/events", content=body, headers=headers)

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "timestamp_expired"
    assert "301 s ago" in error["message"] and "replay" in error["message"]
    assert hotel.stored() == 0


async def test_a_request_from_a_clock_running_ahead_is_refused(hotel: Hotel) -> None:
    response = await hotel.send(check_in("101"), timestamp=hotel.now + 400)

    assert response.json()["error"]["code"] == "timestamp_in_future"
    assert hotel.stored() == 0


async def test_a_retry_signed_again_is_accepted_after_the_window(hotel: Hotel) -> None:
    event = check_in("101")
    hotel.advance(3600)

    response = await hotel.send(event)

    assert response.status_code == 202


async def test_during_a_rotation_both_secrets_are_accepted(tmp_path: Path) -> None:
    async with open_hotel(tmp_path, CONNECTOR_WEBHOOK__SECRET="the-new-secret-of-2027",
                          CONNECTOR_WEBHOOK__PREVIOUS_SECRET=SECRET) as hotel:
        old = await hotel.send(check_in("101"), secrets=[SECRET])
        new = await hotel.send(check_in("102"), secrets=["the-new-secret-of-2027"])
        both = await hotel.send(check_in("103"), secrets=["the-new-secret-of-2027", SECRET])
        stranger = await hotel.send(check_in("104"), secrets=[OLD_SECRET])

        assert [r.status_code for r in (old, new, both, stranger)] == [202, 202, 202, 401]
        assert hotel.stored() == 3


async def test_after_a_rotation_the_retired_secret_is_refused(tmp_path: Path) -> None:
    async with open_hotel(tmp_path, CONNECTOR_WEBHOOK__SECRET="the-new-secret-of-2027") as hotel:
        response = await hotel.send(check_in("101"), secrets=[SECRET])

        assert response.json()["error"]["code"] == "signature_mismatch"


async def test_without_a_secret_the_webhook_is_closed(tmp_path: Path) -> None:
    async with open_hotel(tmp_path, CONNECTOR_WEBHOOK__SECRET="") as hotel:
        response = await hotel.send(check_in("101"))
        status = await hotel.status("anything")

        assert response.status_code == 503
        assert response.json()["error"]["code"] == "webhook_not_configured"
        assert "CONNECTOR_WEBHOOK__SECRET" in response.json()["error"]["message"]
        assert status.status_code == 503
        assert hotel.stored() == 0


async def test_the_status_of_an_event_needs_a_signature_too(hotel: Hotel) -> None:
    await hotel.send(check_in("101", event_id="opera-1"))

    unsigned = await hotel.http.get("/v1/events/opera-1")
    wrong = await hotel.status("opera-1", secrets=["not-the-hotels-secret-at-all"])
    signed = await hotel.status("opera-1")

    assert [unsigned.status_code, wrong.status_code, signed.status_code] == [401, 401, 200]


async def test_no_secret_signature_or_guest_name_reaches_the_log(
    hotel: Hotel, caplog: pytest.LogCaptureFixture
) -> None:
    body = encode(check_in("101", first="Zelda", last="Quixote"))
    headers = {**JSON, **hotel.signed(body)}
    with caplog.at_level(logging.INFO, logger="connector"):
        await hotel.http.post("/v1/pms/events", content=body, headers=headers)
        await hotel.send(check_in("102"), secrets=["not-the-hotels-secret-at-all"])

    logged = caplog.text + " ".join(str(vars(record)) for record in caplog.records)
    for private in (SECRET, "not-the-hotels-secret-at-all",
                    headers["X-Connector-Signature"][3:], "Zelda", "Quixote"):
        assert private not in logged
    assert "101" in logged  # the room is what support needs
