"""The request log: what tests and benchmarks read back."""

from __future__ import annotations

from connector.sandbox import Sandbox
from tests.sandbox.sandbox_support import Zoom


async def test_log_records_endpoint_category_status_and_time(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    await zoom.login()
    await zoom.get("/phone/voice_mails", owner_type="commonArea")
    sandbox.advance(2)
    await zoom.get("/users/nobody")
    first, second, third = sandbox.log.entries()
    assert (first.endpoint, first.status) == ("oauth_token", 200)
    assert (second.method, second.path, second.endpoint) == (
        "GET", "/v2/phone/voice_mails", "list_account_voicemails")
    assert (second.family, second.category, second.status) == ("phone", "heavy", 200)
    assert second.query == "owner_type=commonArea"
    assert (third.endpoint, third.category, third.status) == ("get_user", "light", 404)
    assert (third.at - second.at).total_seconds() == 2
    assert third.monotonic - second.monotonic == 2


async def test_log_over_the_admin_api(zoom: Zoom) -> None:
    await zoom.login()
    await zoom.get("/phone/users")
    await zoom.get("/nonexistent")
    entries = (await zoom.admin("GET", "/requests")).json()["requests"]
    assert [(e["endpoint"], e["status"]) for e in entries] == [
        ("oauth_token", 200), ("list_phone_users", 200), (None, 404)]
    assert entries[1]["at"].endswith("Z")
    later = (await zoom.admin("GET", f"/requests?since={entries[1]['seq']}")).json()
    assert [e["status"] for e in later["requests"]] == [404]
    only = (await zoom.admin("GET", "/requests?endpoint=list_phone_users")).json()
    assert len(only["requests"]) == 1
    await zoom.admin("DELETE", "/requests")
    assert (await zoom.admin("GET", "/requests")).json() == {"requests": []}


async def test_not_emulated_paths_say_so(zoom: Zoom) -> None:
    await zoom.login()
    response = await zoom.get("/meetings")
    assert response.status_code == 404
    assert "does not emulate GET /v2/meetings" in response.json()["message"]
