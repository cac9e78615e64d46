"""Presence: DND with a duration, one update per user per minute."""

from __future__ import annotations

from connector.sandbox import Sandbox, SandboxConfig
from tests.sandbox.sandbox_support import SpecChecker, Zoom


async def test_dnd_lapses_to_available_when_its_duration_ends(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room = sandbox.owner(2110)
    response = await zoom.put(f"/users/{room.id}/presence_status",
                              {"status": "Do_Not_Disturb", "duration": 1440})
    assert response.status_code == 204
    assert (await zoom.get(f"/users/{room.id}/presence_status")).json() == {
        "status": "Do_Not_Disturb"}
    assert sandbox.presence(room.id)["remaining_time"] == 1440 * 60
    sandbox.advance(1440 * 60 - 1)
    assert sandbox.presence(room.id)["status"] == "Do_Not_Disturb"
    sandbox.advance(1)
    await zoom.login()  # a day has passed: the old token expired long ago
    assert (await zoom.get(f"/users/{room.id}/presence_status")).json() == {
        "status": "Available"}


async def test_dnd_without_duration_lasts_twenty_minutes(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2112)
    await zoom.put(f"/users/{room.id}/presence_status", {"status": "Do_Not_Disturb"})
    sandbox.advance(20 * 60 - 1)
    assert sandbox.presence(room.id)["status"] == "Do_Not_Disturb"
    sandbox.advance(1)
    assert sandbox.presence(room.id)["status"] == "Available"


async def test_second_update_within_a_minute_is_refused(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2114)
    path = f"/users/{room.id}/presence_status"
    assert (await zoom.put(path, {"status": "Do_Not_Disturb", "duration": 60})).status_code == 204
    sandbox.advance(59)
    response = await zoom.put(path, {"status": "Available"})
    assert response.status_code == 429
    assert response.json()["code"] == 429
    assert response.json()["message"].startswith(
        "Too many requests submitted to update the presence status of this user")
    assert sandbox.presence(room.id)["status"] == "Do_Not_Disturb"
    sandbox.advance(1)
    assert (await zoom.put(path, {"status": "Available"})).status_code == 204
    assert sandbox.presence(room.id)["status"] == "Available"


async def test_the_minute_is_per_user(zoom: Zoom, sandbox: Sandbox) -> None:
    for ext in (2115, 2116):
        response = await zoom.put(f"/users/{sandbox.owner(ext).id}/presence_status",
                                  {"status": "Away"})
        assert response.status_code == 204


async def test_duration_outside_1_to_1440_is_code_300(
    zoom: Zoom, sandbox: Sandbox, checker: SpecChecker
) -> None:
    path = f"/users/{sandbox.owner(2118).id}/presence_status"
    with checker.off_spec_requests():
        for minutes in (0, 1441):
            response = await zoom.put(path, {"status": "Do_Not_Disturb", "duration": minutes})
            assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_the_spec_example_spelling_is_refused_by_default(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    response = await zoom.put(f"/users/{sandbox.owner(2119).id}/presence_status",
                              {"status": "Do_No_Disturb", "duration": 30})
    assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_the_spec_example_spelling_can_be_accepted() -> None:
    from connector.sandbox.routes_users import set_presence
    from connector.sandbox.routing import ApiRequest
    from connector.zoom.catalogue import endpoint

    sandbox = Sandbox(SandboxConfig(frozen_clock=True, accept_dnd_spec_spelling=True))
    room = sandbox.owner(2119)
    request = ApiRequest(endpoint("set_presence"), {"userId": room.id}, {},
                         {"status": "Do_No_Disturb", "duration": 30}, sandbox.clock.now())
    assert set_presence(sandbox.context(), request).status == 204
    assert sandbox.presence(room.id)["status"] == "Do_Not_Disturb"


async def test_user_without_a_signed_in_client_cannot_change_presence(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    room = sandbox.owner(2117)  # room 117: a desk phone only, no Zoom client signed in
    response = await zoom.put(f"/users/{room.id}/presence_status", {"status": "Do_Not_Disturb"})
    assert (response.status_code, response.json()["code"]) == (400, 5301)


async def test_unknown_status_is_code_300(zoom: Zoom, sandbox: Sandbox) -> None:
    response = await zoom.put(f"/users/{sandbox.owner(2120).id}/presence_status",
                              {"status": "Sleeping"})
    assert (response.status_code, response.json()["code"]) == (400, 300)
