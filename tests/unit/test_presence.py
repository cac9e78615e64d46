"""Do-not-disturb: Zoom takes one presence update per user per minute, DND at most a day."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import endpoint
from connector.zoom.errors import FeatureDisabled, UserRateLimited
from connector.zoom.scopes import evaluate_scopes
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import zoom_error

# Zoom's per-user presence limit (another app changed the guest's presence, or a process that
# died had just sent an update).
TOO_OFTEN = ("Too many requests submitted to update the presence status of this user. "
             "Try again later.")

Received = list[tuple[str, float, dict[str, Any]]]


def _presence_log(router: respx.MockRouter, clock: FakeClock) -> Received:
    """Every presence update Zoom receives: (user, fake-clock second, body)."""
    received: Received = []

    def zoom_side(request: httpx.Request) -> httpx.Response:
        user = request.url.path.split("/")[-2]
        received.append((user, clock.monotonic(), json.loads(request.content)))
        return httpx.Response(204)

    router.put(url__regex=r"/v2/users/[^/]+/presence_status$").mock(side_effect=zoom_side)
    return received


async def test_a_second_update_for_a_guest_within_the_minute_waits_for_the_minute(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received = _presence_log(router, clock)

    first = await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=120)
    clock.advance(20)
    second = await zoom_api.set_presence("u1204", "Available")

    assert (first, second) == (0.0, 40.0)
    (_, sent_1, body_1), (_, sent_2, body_2) = received
    assert sent_2 - sent_1 == 60
    assert body_1 == {"status": "Do_Not_Disturb", "duration": 120}
    assert body_2 == {"status": "Available"}


async def test_updates_asked_for_together_are_sent_a_minute_apart_in_order(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received = _presence_log(router, clock)

    await asyncio.gather(
        zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=60),
        zoom_api.set_presence("u1204", "Available"),
    )

    assert [body["status"] for _, _, body in received] == ["Do_Not_Disturb", "Available"]
    assert received[1][1] - received[0][1] >= 60


async def test_different_guests_do_not_wait_for_each_other(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received = _presence_log(router, clock)

    waits = await asyncio.gather(
        zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=60),
        zoom_api.set_presence("u1205", "Do_Not_Disturb", duration_minutes=60),
    )

    assert list(waits) == [0.0, 0.0]
    assert sorted(user for user, _, _ in received) == ["u1204", "u1205"]
    assert {second for _, second, _ in received} == {clock.monotonic()}
    assert clock.sleeps == []


async def test_an_update_a_minute_later_goes_straight_out(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    _presence_log(router, clock)

    await zoom_api.set_presence("u1204", "Available")
    clock.advance(61)

    assert await zoom_api.set_presence("u1204", "Available") == 0.0


@pytest.mark.parametrize("minutes", [0, 1441, 10_000])
async def test_a_dnd_longer_than_a_day_or_of_no_length_is_refused_before_asking_zoom(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi, minutes: int
) -> None:
    received = _presence_log(router, clock)

    with pytest.raises(ValueError, match=r"1\.\.1440 minutes"):
        await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=minutes)

    assert received == []


async def test_a_full_day_of_dnd_is_allowed(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received = _presence_log(router, clock)

    await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=1440)

    assert received[0][2] == {"status": "Do_Not_Disturb", "duration": 1440}


async def test_an_update_refused_for_a_missing_scope_does_not_start_the_users_minute(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received = _presence_log(router, clock)
    zoom_api.client.scopes = evaluate_scopes(frozenset({"user:read:admin"}))
    with pytest.raises(FeatureDisabled):
        await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=30)

    zoom_api.client.scopes = None
    waited = await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=30)

    assert waited == 0.0 and len(received) == 1


async def test_the_per_user_presence_limit_holds_back_only_that_guest(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    received: Received = []

    def zoom_side(request: httpx.Request) -> httpx.Response:
        user = request.url.path.split("/")[-2]
        received.append((user, clock.monotonic(), json.loads(request.content)))
        if user == "u1204" and len(received) == 1:
            return zoom_error(429, 429, TOO_OFTEN)
        return httpx.Response(204)

    router.put(url__regex=r"/v2/users/[^/]+/presence_status$").mock(side_effect=zoom_side)
    medium = zoom_api.client.limiters.for_endpoint(endpoint("set_presence"))

    with pytest.raises(UserRateLimited, match="one presence update per user per minute"):
        await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=60)

    # Not retried, and the account's Medium calls keep their full pace.
    assert len(received) == 1
    assert medium.factor == 1.0
    # Another guest's DND goes at once; this guest's waits out Zoom's minute.
    assert await zoom_api.set_presence("u1205", "Do_Not_Disturb", duration_minutes=60) == 0.0
    assert zoom_api.presence.next_allowed_in("u1204") == 60.0
    assert await zoom_api.set_presence("u1204", "Do_Not_Disturb", duration_minutes=60) == 60.0
    assert [user for user, _, _ in received] == ["u1204", "u1205", "u1204"]


async def test_a_per_user_limit_that_names_a_longer_wait_is_honoured(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    router.put(url__regex=r"/v2/users/u1204/presence_status$").mock(
        return_value=zoom_error(429, 429, TOO_OFTEN, **{"Retry-After": "90"}))

    with pytest.raises(UserRateLimited):
        await zoom_api.set_presence("u1204", "Available")

    assert zoom_api.presence.next_allowed_in("u1204") == 90.0
