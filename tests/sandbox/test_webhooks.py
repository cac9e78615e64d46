"""Zoom's webhooks from the emulator: the endpoint is validated before it is used, every
presence change (the phone's DND key, the app's own API call) is sent signed as Zoom signs,
and an endpoint that does not take an event gets it again, later."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from connector.sandbox import Sandbox
from connector.sandbox.webhooks import DeliveryState, WebhookSetupError
from connector.web.signing import SignatureError
from connector.web.zoom_signing import url_validation_answer, verify_zoom
from connector.zoom.webhooks import Presence, parse_envelope, parse_presence
from tests.sandbox.sandbox_support import Zoom

URL = "http://hotel.example/zoom/events"
SECRET_TOKEN = "harbour-view-app-secret-token"
ROOM_101 = 2101


@dataclass
class Hotel:
    """The hotel's endpoint, as far as Zoom can tell: it checks Zoom's signature with the
    connector's own verifier, answers the challenge, and can be down for a while."""

    sandbox: Sandbox
    secret_token: str = SECRET_TOKEN
    down_for: int = 0  # how many events to refuse (503) before taking them
    wrong_challenge_answer: bool = False
    received: list[tuple[bytes, httpx.Headers, datetime]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        headers = httpx.Headers(request.headers.raw)
        response = self._answer(body, headers)
        await response(scope, receive, send)

    def _answer(self, body: bytes, headers: httpx.Headers) -> Response:
        try:
            verify_zoom(body, timestamp_header=headers.get("x-zm-request-timestamp"),
                        signature_header=headers.get("x-zm-signature"),
                        secret=self.secret_token, now=self.sandbox.clock.now().timestamp())
        except SignatureError as error:
            return JSONResponse({"error": error.code}, status_code=401)
        self.received.append((body, headers, self.sandbox.clock.now()))
        event = parse_envelope(body)
        if event.event == "endpoint.url_validation":
            answer = url_validation_answer(str(event.payload["plainToken"]), self.secret_token)
            if self.wrong_challenge_answer:
                answer["encryptedToken"] = "0" * 64
            return JSONResponse(answer)
        if self.down_for:
            self.down_for -= 1
            return Response(status_code=503)
        return JSONResponse({"status": "ok"})

    def events(self, name: str) -> list[dict[str, object]]:
        return [json.loads(body) for body, _, _ in self.received
                if json.loads(body)["event"] == name]


@pytest.fixture
async def hotel(sandbox: Sandbox) -> AsyncIterator[Hotel]:
    """The hotel's endpoint, reached over ASGI, with the sandbox delivering to it."""
    endpoint = Hotel(sandbox)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=endpoint)) as http, \
            sandbox.webhooks.sending(http):
        yield endpoint


async def subscribed(sandbox: Sandbox) -> None:
    await sandbox.webhooks.subscribe(URL, SECRET_TOKEN)


async def test_the_endpoint_answers_zooms_challenge_before_any_event_is_sent(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    await subscribed(sandbox)

    assert [e["event"] for e in map(json.loads, (b for b, _, _ in hotel.received))] == [
        "endpoint.url_validation"]
    assert sandbox.webhooks.subscription is not None
    assert sandbox.webhooks.subscription.url == URL


async def test_an_endpoint_that_fails_the_challenge_is_not_subscribed(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    hotel.wrong_challenge_answer = True

    with pytest.raises(WebhookSetupError, match="plain token and its HMAC"):
        await subscribed(sandbox)
    sandbox.press_dnd(ROOM_101)

    assert sandbox.webhooks.subscription is None
    assert sandbox.webhooks.unsent == 1
    assert hotel.events("user.presence_status_updated") == []


async def test_an_endpoint_that_does_not_answer_is_not_subscribed(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_refuse)) as http, \
            sandbox.webhooks.sending(http):
        with pytest.raises(WebhookSetupError, match="did not answer"):
            await subscribed(sandbox)


def _refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


async def test_the_guest_pressing_dnd_on_the_room_phone_sends_zooms_signed_presence_event(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    await subscribed(sandbox)
    user = sandbox.press_dnd(ROOM_101)
    await sandbox.webhooks.settled()

    body, headers, _ = hotel.received[-1]
    change = parse_presence(parse_envelope(body))
    assert (change.user_id, change.email, change.presence) == (user.id, user.email, Presence.DND)
    assert change.at == sandbox.clock.now()
    assert headers["x-zm-request-timestamp"] == str(int(sandbox.clock.now().timestamp()))
    assert headers["x-zm-signature"].startswith("v0=")
    # The phone's DND key holds until pressed again: no end time.
    assert sandbox.presence(user.id) == {"status": "Do_Not_Disturb"}


async def test_turning_it_off_on_the_phone_sends_available(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    await subscribed(sandbox)
    sandbox.press_dnd(ROOM_101)
    sandbox.advance(30)
    sandbox.press_dnd(ROOM_101, on=False)
    await sandbox.webhooks.settled()

    statuses = [e["payload"]["object"]["presence_status"]  # type: ignore[index]
                for e in hotel.events("user.presence_status_updated")]
    assert statuses == ["Do_Not_Disturb", "Available"]
    assert [d.state for d in sandbox.webhooks.deliveries] == [DeliveryState.DELIVERED] * 2


async def test_pressing_dnd_again_while_it_is_on_changes_nothing_and_sends_nothing(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    await subscribed(sandbox)
    sandbox.press_dnd(ROOM_101)
    sandbox.press_dnd(ROOM_101)
    await sandbox.webhooks.settled()

    assert len(hotel.events("user.presence_status_updated")) == 1


async def test_the_apps_own_presence_change_through_the_api_is_sent_too(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    await subscribed(sandbox)
    user = sandbox.owner(ROOM_101)
    path = f"/users/{user.id}/presence_status"
    assert (await zoom.put(path, {"status": "Do_Not_Disturb", "duration": 120})).status_code == 204
    sandbox.advance(60)
    # The same status again (a DND re-asserted): Zoom's presence did not change.
    assert (await zoom.put(path, {"status": "Do_Not_Disturb", "duration": 240})).status_code == 204
    await sandbox.webhooks.settled()

    events = hotel.events("user.presence_status_updated")
    assert [e["payload"]["object"]["id"] for e in events] == [user.id]  # type: ignore[index]


async def test_a_refused_event_is_sent_again_later_and_each_try_is_signed_anew(
    sandbox: Sandbox, hotel: Hotel,
) -> None:
    await subscribed(sandbox)
    hotel.down_for = 2
    started = sandbox.clock.now()
    sandbox.press_dnd(ROOM_101)
    await sandbox.webhooks.settled()

    tries = [(body, headers, at) for body, headers, at in hotel.received
             if json.loads(body)["event"] == "user.presence_status_updated"]
    assert len(tries) == 3
    assert len({body for body, _, _ in tries}) == 1  # the same bytes every time
    # Zoom's 5 and 20 minutes, compressed to seconds.
    assert [(at - started).total_seconds() for _, _, at in tries] == [0, 5, 25]
    assert len({headers["x-zm-signature"] for _, headers, _ in tries}) == 3
    (delivery,) = sandbox.webhooks.deliveries
    assert delivery.state is DeliveryState.DELIVERED
    assert [a.status for a in delivery.attempts] == [503, 503, 200]


async def test_zoom_gives_up_after_three_retries(sandbox: Sandbox, hotel: Hotel) -> None:
    await subscribed(sandbox)
    hotel.down_for = 10
    sandbox.press_dnd(ROOM_101)
    await sandbox.webhooks.settled()

    (delivery,) = sandbox.webhooks.deliveries
    assert delivery.state is DeliveryState.GAVE_UP
    assert len(delivery.attempts) == 4


async def test_a_common_area_phone_has_no_presence_to_change(sandbox: Sandbox) -> None:
    common_area = next(iter(sandbox.account.common_areas.values()))

    with pytest.raises(ValueError, match="common area"):
        sandbox.press_dnd(common_area.extension_number)


async def test_the_admin_api_subscribes_and_presses_dnd(
    sandbox: Sandbox, hotel: Hotel, zoom: Zoom,
) -> None:
    subscribed_now = await zoom.admin("PUT", "/webhooks", {
        "url": URL, "secret_token": SECRET_TOKEN, "retry_seconds": [1, 2]})
    pressed = await zoom.admin("POST", f"/extensions/{ROOM_101}/dnd", {"on": True})
    await sandbox.webhooks.settled()
    listed = (await zoom.admin("GET", "/webhooks")).json()

    assert (subscribed_now.json()["url"], subscribed_now.json()["retry_seconds"]) == (
        URL, [1.0, 2.0])
    assert "secret" not in subscribed_now.text
    assert pressed.json() == {"user_id": sandbox.owner(ROOM_101).id, "status": "Do_Not_Disturb"}
    assert [(d["event"], d["state"]) for d in listed["deliveries"]] == [
        ("user.presence_status_updated", "delivered")]
    refused = await zoom.admin("PUT", "/webhooks", {"url": URL, "secret_token": "other"})
    assert (refused.status_code, refused.json()) == (400, {
        "error": f"URL validation failed: {URL} answered 401, not 200."})
    assert (await zoom.admin("POST", "/extensions/9999/dnd", {"on": True})).status_code == 404
