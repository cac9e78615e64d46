"""Listings follow Zoom's next_page_token and always ask for the largest page allowed."""

from __future__ import annotations

import gc
from typing import Any

import httpx
import respx

from connector.zoom.api import ZoomApi
from tests.support.zoom_factories import api

Page = list[dict[str, Any]]


def _pages(router: respx.MockRouter, url: str, field: str, pages: list[Page]) -> respx.Route:
    """Serve `pages` in order, chained by next_page_token; a token out of order is a 400."""

    def zoom_side(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("next_page_token", "")
        index = 0 if not token else int(token.removeprefix("page-"))
        if token and not 0 < index < len(pages):
            return httpx.Response(400, json={"code": 300, "message": "Invalid next_page_token"})
        next_token = f"page-{index + 1}" if index + 1 < len(pages) else ""
        return httpx.Response(
            200,
            json={field: pages[index], "next_page_token": next_token,
                  "page_size": len(pages[index])},
        )

    return router.get(url).mock(side_effect=zoom_side)


async def test_every_page_of_phone_users_is_read_at_the_largest_page_size(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    pages = [
        [{"id": f"u{n}", "extension_number": 2100 + n} for n in range(start, start + 3)]
        for start in (0, 3, 6)
    ]
    route = _pages(router, api("/phone/users"), "users", pages)

    users = await zoom_api.list_phone_users()

    assert [u.id for u in users] == [f"u{n}" for n in range(9)]
    assert route.call_count == 3
    queries = [dict(call.request.url.params) for call in route.calls]
    assert [q.get("page_size") for q in queries] == ["100"] * 3
    assert [q.get("next_page_token") for q in queries] == [None, "page-1", "page-2"]


async def test_filters_are_kept_on_every_page(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    route = _pages(router, api("/users"), "users", [[{"id": "a"}], [{"id": "b"}], [{"id": "c"}]])

    users = await zoom_api.list_users()

    assert [u.id for u in users] == ["a", "b", "c"]
    for call in route.calls:
        assert call.request.url.params["status"] == "active"
        assert call.request.url.params["page_size"] == "2000"


async def test_an_empty_listing_is_one_call(router: respx.MockRouter, zoom_api: ZoomApi) -> None:
    route = router.get(api("/phone/devices")).respond(json={"next_page_token": ""})

    assert await zoom_api.list_devices() == []
    assert route.call_count == 1
    assert route.calls.last.request.url.params["page_size"] == "300"
    assert route.calls.last.request.url.params["type"] == "assigned"


async def test_a_listing_read_item_by_item_holds_no_earlier_page_while_the_next_is_fetched(
    router: respx.MockRouter, zoom_api: ZoomApi
) -> None:
    # A 2,000-room hotel's directory is read this way: its memory is one page, not the listing.
    site = {"id": "s1", "name": "Harbour View"}  # (a dict inside makes the item visible to gc)
    pages = [[{"id": f"u{n}", "name": f"Room {n}", "extension_number": 2100 + n, "site": site}
              for n in range(start, start + 3)] for start in (0, 3, 6)]
    served = _pages(router, api("/phone/users"), "users", pages)
    ours = {id(item) for page in pages for item in page}
    names_served = {item["name"] for page in pages for item in page}
    still_held: list[set[str]] = []

    def decoded_items() -> list[str]:
        return [obj["name"] for obj in gc.get_objects()
                if isinstance(obj, dict) and isinstance(obj.get("name"), str)
                and obj["name"] in names_served and id(obj) not in ours]

    answer = served.side_effect

    def zoom_side(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("next_page_token"):
            still_held.append(set(decoded_items()))
        return answer(request)  # type: ignore[no-any-return, operator]

    served.side_effect = zoom_side

    names = [user.name async for user in zoom_api.iter_phone_users()]

    assert names == [f"Room {n}" for n in range(9)]
    # Only the item last handed out (and its model) may still be in hand.
    assert still_held[0] <= {"Room 2"} and still_held[1] <= {"Room 5"}
