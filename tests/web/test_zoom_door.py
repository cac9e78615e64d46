"""Zoom's door, `POST /zoom/events`: only Zoom gets in, URL validation is answered, and an
event the connector does not read is answered and counted, not kept."""

from __future__ import annotations

import hashlib
import hmac

from tests.web.pms import JSON, Hotel
from tests.web.zoom import SECRET_TOKEN, zoom_for


async def test_zoom_validating_the_endpoint_gets_its_token_signed(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.post({"event": "endpoint.url_validation", "event_ts": 1,
                                    "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})

    assert response.status_code == 200
    assert response.json() == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": hmac.new(SECRET_TOKEN.encode(), b"qgg8vlvZRS6UYooatFL8Aw",
                                   hashlib.sha256).hexdigest()}


async def test_without_the_secret_token_the_door_says_which_variable_to_set(
    hotel: Hotel,
) -> None:
    async with zoom_for(hotel, secret_token=None) as zoom:
        response = await zoom.post({"event": "endpoint.url_validation",
                                    "payload": {"plainToken": "abc"}})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "zoom_webhook_not_configured"
    assert "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN" in response.json()["error"]["message"]


async def test_a_request_signed_with_another_secret_is_refused_and_not_read(
    hotel: Hotel,
) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.post({"event": "endpoint.url_validation",
                                    "payload": {"plainToken": "abc"}},
                                   secret="somebody-elses-secret-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_mismatch"
    assert "plainToken" not in response.text


async def test_a_replayed_request_is_refused(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        stale = await zoom.post({"event": "meeting.started", "payload": {}},
                                timestamp=hotel.now - 301)
        future = await zoom.post({"event": "meeting.started", "payload": {}},
                                 timestamp=hotel.now + 301)

    assert (stale.status_code, stale.json()["error"]["code"]) == (401, "timestamp_expired")
    assert (future.status_code, future.json()["error"]["code"]) == (401, "timestamp_in_future")


async def test_an_unsigned_request_is_refused(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.http.post("/zoom/events", content=b"{}", headers=JSON)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "timestamp_missing"


async def test_an_event_the_connector_does_not_read_is_answered_and_counted_not_kept(
    hotel: Hotel,
) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.post({"event": "phone.callee_ringing", "event_ts": 5,
                                    "payload": {"object": {"call_id": "1"}}})

        assert response.status_code == 200
        assert zoom.counted("phone.callee_ringing", "ignored") == 1
    assert hotel.stored() == 0


async def test_a_body_that_is_not_a_zoom_event_is_refused_saying_why(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        not_json = await zoom.post(b"event=presence")
        no_event = await zoom.post({"payload": {}})
        no_token = await zoom.post({"event": "endpoint.url_validation", "payload": {}})
        no_status = await zoom.post({"event": "user.presence_status_updated", "payload": {
            "object": {"id": "u1", "date_time": "2026-03-10T09:00:00Z"}}})

    answers = [(r.status_code, r.json()["error"]["code"], r.json()["error"]["message"])
               for r in (not_json, no_event, no_token, no_status)]
    assert {(status, code) for status, code, _ in answers} == {(400, "invalid_zoom_event")}
    assert "not JSON" in answers[0][2]
    assert "`event`" in answers[1][2]
    assert "plainToken" in answers[2][2]
    assert "presence_status" in answers[3][2]


async def test_a_body_over_the_limit_is_refused_before_it_is_read(hotel: Hotel) -> None:
    async with zoom_for(hotel) as zoom:
        response = await zoom.post(b'{"event":"x","payload":{"pad":"' + b"x" * 300_000 + b'"}}')

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
