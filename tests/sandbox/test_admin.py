"""The admin API under /_sandbox: what tests, benchmarks and the CLI drive."""

from __future__ import annotations

from connector.sandbox import Sandbox
from tests.sandbox.sandbox_support import Zoom


async def test_info_names_hosts_and_credentials(zoom: Zoom) -> None:
    info = (await zoom.admin("GET", "")).json()
    assert info["client_id"] == "sandbox-client-id"
    assert info["rooms"] == 242
    assert info["now"] == "2026-03-02T09:00:00Z"


async def test_clock_advances(zoom: Zoom) -> None:
    moved = (await zoom.admin("POST", "/clock/advance", {"seconds": 90})).json()
    assert moved["now"] == "2026-03-02T09:01:30Z"
    moved = (await zoom.admin("POST", "/clock/advance", {"to": "2026-03-03T00:00:00+00:00"}))
    assert moved.json()["now"] == "2026-03-03T00:00:00Z"
    assert (await zoom.admin("POST", "/clock/advance", {"seconds": -5})).status_code == 400


async def test_revoke_over_http(zoom: Zoom) -> None:
    await zoom.login()
    assert (await zoom.admin("POST", "/tokens/revoke")).json() == {"revoked": 1}
    assert (await zoom.get("/users")).status_code == 401


async def test_scopes_over_http(zoom: Zoom) -> None:
    response = await zoom.admin("PUT", "/scopes", {"scopes": ["user:read:list_users:admin"]})
    assert response.json()["scopes"] == ["user:read:list_users:admin"]
    await zoom.login()
    assert (await zoom.get("/phone/users")).json()["code"] == 4711
    await zoom.admin("DELETE", "/scopes")
    await zoom.login()
    assert (await zoom.get("/phone/users")).status_code == 200


async def test_add_voicemail_and_call_over_http(zoom: Zoom, sandbox: Sandbox) -> None:
    created = await zoom.admin("POST", "/voicemails", {"extension": 2130, "duration": 12})
    assert created.status_code == 201
    assert created.json()["owner_type"] == "commonArea"
    call = await zoom.admin("POST", "/calls", {"extension": 2101, "number": "+33155550100",
                                               "international": True})
    assert call.status_code == 201
    assert call.json()["id"] in sandbox.account.calls
    missing = await zoom.admin("POST", "/voicemails", {"extension": 9999})
    assert missing.status_code == 400


async def test_presence_and_extension_lookups(zoom: Zoom, sandbox: Sandbox) -> None:
    room = (await zoom.admin("GET", "/extensions/2101")).json()
    assert room["type"] == "user"
    await zoom.put(f"/users/{room['id']}/presence_status",
                   {"status": "Do_Not_Disturb", "duration": 30})
    presence = (await zoom.admin("GET", f"/presence/{room['id']}")).json()
    assert presence == {"status": "Do_Not_Disturb", "end_time": "2026-03-02T09:30:00Z",
                        "remaining_time": 1800.0}
    assert (await zoom.admin("GET", "/extensions/9999")).status_code == 404


async def test_reset_restores_the_demo_hotel(zoom: Zoom, sandbox: Sandbox) -> None:
    room = sandbox.owner(2101)
    await zoom.patch(f"/users/{room.id}", {"first_name": "Changed"})
    await zoom.admin("POST", "/reset")
    assert sandbox.owner(2101).display_name == "Room 2101"
    assert len(sandbox.log) == 0


async def test_room_map_download(zoom: Zoom) -> None:
    response = await zoom.admin("GET", "/room_map.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[:2] == ["room,extension", "101,2101"]


async def test_ratelimit_knobs(zoom: Zoom) -> None:
    body = (await zoom.admin("POST", "/ratelimits", {
        "family": "phone", "daily_limit": 100, "daily_used": 40,
        "retry_after": "http_date", "headers": "random",
    })).json()
    assert body["daily"]["phone"] == {"limit": 100, "used": 40}
    assert (body["retry_after"], body["headers"]) == ("http_date", "random")
    bad = await zoom.admin("POST", "/ratelimits", {"family": "video", "daily_limit": 1})
    assert bad.status_code == 400
