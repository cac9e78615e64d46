"""Pagination: `next_page_token`, page size caps, tokens that expire after 15 minutes."""

from __future__ import annotations

from connector.sandbox import Sandbox
from connector.zoom.catalogue import endpoint
from tests.sandbox.sandbox_support import SpecChecker, Zoom


async def test_phone_users_come_in_pages_of_at_most_100(zoom: Zoom, sandbox: Sandbox) -> None:
    phone_users = [u for u in sandbox.account.users.values() if u.phone is not None]
    pages = []
    token = ""
    while True:
        params = {"page_size": 100} | ({"next_page_token": token} if token else {})
        body = (await zoom.get("/phone/users", **params)).json()
        pages.append(body["users"])
        assert body["total_records"] == len(phone_users)
        token = body["next_page_token"]
        if not token:
            break
    assert [len(p) for p in pages] == [100, 100, len(phone_users) - 200]
    ids = [u["id"] for page in pages for u in page]
    assert sorted(ids) == sorted(u.id for u in phone_users)


async def test_page_size_above_the_maximum_is_capped(
    zoom: Zoom, checker: SpecChecker
) -> None:
    with checker.off_spec_requests():
        body = (await zoom.get("/phone/common_areas", page_size=500)).json()
    assert body["page_size"] == endpoint("list_common_areas").max_page_size == 100
    assert len(body["common_areas"]) == 40


async def test_a_token_expires_after_15_minutes(zoom: Zoom, sandbox: Sandbox) -> None:
    first = (await zoom.get("/phone/devices", type="assigned", page_size=100)).json()
    sandbox.advance(15 * 60)
    second = await zoom.get("/phone/devices", type="assigned", page_size=100,
                            next_page_token=first["next_page_token"])
    assert second.status_code == 200
    sandbox.advance(1)
    third = await zoom.get("/phone/devices", type="assigned", page_size=100,
                           next_page_token=second.json()["next_page_token"])
    assert third.status_code == 200  # issued at minute 15: still fresh
    sandbox.advance(15 * 60 + 1)
    stale = await zoom.get("/phone/devices", type="assigned", page_size=100,
                           next_page_token=second.json()["next_page_token"])
    assert stale.status_code == 400
    assert stale.json() == {"code": 400, "message": "The next page token is invalid or expired."}


async def test_users_api_expired_token_is_code_300(zoom: Zoom, sandbox: Sandbox) -> None:
    first = (await zoom.get("/users", page_size=100)).json()
    sandbox.advance(16 * 60)
    await zoom.login()
    response = await zoom.get("/users", page_size=100, next_page_token=first["next_page_token"])
    assert (response.status_code, response.json()["code"]) == (400, 300)


async def test_a_token_belongs_to_its_listing(zoom: Zoom) -> None:
    users = (await zoom.get("/phone/users", page_size=10)).json()
    response = await zoom.get("/phone/common_areas", page_size=10,
                              next_page_token=users["next_page_token"])
    assert response.status_code == 400


async def test_unknown_token_is_refused(zoom: Zoom) -> None:
    response = await zoom.get("/phone/users", next_page_token="made-up")
    assert (response.status_code, response.json()["code"]) == (400, 400)


async def test_last_page_has_an_empty_token(zoom: Zoom) -> None:
    body = (await zoom.get("/phone/common_areas", page_size=100)).json()
    assert body["next_page_token"] == ""
