"""The extension directory: who owns each extension, which rooms match, which names break
the "name contains the extension" rule, built with one call per page."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
import respx

from connector.rooms.room_map import parse_room_pairs
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.directory import DeviceRef, Directory
from connector.zoom.errors import ZoomUnavailable
from tests.support.fake_clock import FakeClock
from tests.support.zoom_factories import (
    ALL_SCOPES,
    api,
    scheduling_settings,
    token_response,
    zoom_client,
)

ROOMS = parse_room_pairs("101=2101,102=2102,103=2103,104=2104")

USERS = [
    {"id": "u101", "email": "room101@harbourview.test", "first_name": "Room",
     "last_name": "101", "display_name": "Room 101 - 2101", "dept": "Rooms"},
    {"id": "u102", "email": "room102@harbourview.test", "first_name": "Jane",
     "last_name": "Smith", "display_name": "Jane Smith", "dept": "Rooms"},
]
PHONE_USERS_PAGE_1 = [
    {"id": "u101", "email": "room101@harbourview.test", "name": "Room 101 - 2101",
     "extension_number": 2101, "site": {"id": "s1", "name": "Harbour View"}},
]
PHONE_USERS_PAGE_2: list[dict[str, Any]] = [
    {"id": "u102", "email": "room102@harbourview.test", "name": "Jane Smith",
     "extension_number": 2102},
    {"id": "u900", "email": "gm@harbourview.test", "name": "General Manager"},  # no extension
]
COMMON_AREAS = [
    {"id": "ca103", "display_name": "Room 103", "extension_number": 2103,
     "desk_phones": [{"id": "dp103", "display_name": "Room 103 phone", "device_type": "other"}]},
    {"id": "ca-lobby", "display_name": "Lobby 2900", "extension_number": 2900},
]
DEVICES = [
    {"id": "d101", "display_name": "Yealink T54W room 101", "device_type": "yealink",
     "assignee": {"id": "u101", "extension_number": 2101, "extension_type": "user"}},
]


def _listing(field: str, *pages: list[dict[str, Any]]) -> Any:
    """A side effect serving `pages` chained by next_page_token."""

    def zoom_side(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("next_page_token", "")
        index = int(token or 0)
        next_token = str(index + 1) if index + 1 < len(pages) else ""
        return httpx.Response(200, json={field: pages[index], "next_page_token": next_token})

    return zoom_side


def _hotel(router: respx.MockRouter) -> dict[str, respx.Route]:
    return {
        "users": router.get(api("/users"), name="users").mock(
            side_effect=_listing("users", USERS)),
        "phone_users": router.get(api("/phone/users"), name="phone_users").mock(
            side_effect=_listing("users", PHONE_USERS_PAGE_1, PHONE_USERS_PAGE_2)),
        "common_areas": router.get(api("/phone/common_areas"), name="common_areas").mock(
            side_effect=_listing("common_areas", COMMON_AREAS)),
        "devices": router.get(api("/phone/devices"), name="devices").mock(
            side_effect=_listing("devices", DEVICES)),
    }


@pytest.fixture
def hotel(router: respx.MockRouter) -> dict[str, respx.Route]:
    return _hotel(router)


@pytest.fixture
def directory(zoom: ZoomClient, clock: FakeClock) -> Directory:
    return Directory(ZoomApi(zoom), clock, rooms=ROOMS, refresh_minutes=480)


async def test_the_directory_is_built_with_one_call_per_page(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    stats = await directory.refresh()

    assert {name: route.call_count for name, route in hotel.items()} == {
        "users": 1, "phone_users": 2, "common_areas": 1, "devices": 1,
    }
    assert stats.calls == 5
    assert (stats.users, stats.common_areas, stats.devices) == (2, 2, 1)
    assert directory.loaded


async def test_the_four_listings_are_asked_for_side_by_side_and_build_the_same_directory(
    router: respx.MockRouter, directory: Directory
) -> None:
    # Each listing's first page is held until every listing has asked (or a second has
    # passed): one after another, the later listings would start only after the held ones.
    said: list[str] = []
    asked = {name: asyncio.Event() for name in ("users", "phone_users", "common_areas",
                                                "devices")}

    def held(name: str, field: str, *pages: list[dict[str, Any]]) -> Any:
        serve = _listing(field, *pages)

        async def zoom_side(request: httpx.Request) -> httpx.Response:
            if "next_page_token" not in request.url.params:
                said.append(f"asked {name}")
                asked[name].set()
                waiting = asyncio.gather(*(event.wait() for event in asked.values()))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiting, timeout=1.0)
                said.append(f"answered {name}")
            return serve(request)

        return zoom_side

    router.get(api("/users")).mock(side_effect=held("users", "users", USERS))
    router.get(api("/phone/users")).mock(side_effect=held(
        "phone_users", "users", PHONE_USERS_PAGE_1, PHONE_USERS_PAGE_2))
    router.get(api("/phone/common_areas")).mock(side_effect=held(
        "common_areas", "common_areas", COMMON_AREAS))
    router.get(api("/phone/devices")).mock(side_effect=held("devices", "devices", DEVICES))

    stats = await directory.refresh()

    first_answer = next(i for i, line in enumerate(said) if line.startswith("answered"))
    assert sorted(said[:first_answer]) == [
        "asked common_areas", "asked devices", "asked phone_users", "asked users"]
    # The same directory as one listing at a time would build, with the same calls.
    assert stats.calls == 5
    assert (stats.users, stats.common_areas, stats.devices) == (2, 2, 1)
    assert [(o.extension, o.kind, o.id, o.display_name, o.devices)
            for o in directory.owners()] == [
        ("2101", "user", "u101", "Room 101 - 2101",
         (DeviceRef("d101", "Yealink T54W room 101", "yealink"),)),
        ("2102", "user", "u102", "Jane Smith", ()),
        ("2103", "common_area", "ca103", "Room 103",
         (DeviceRef("dp103", "Room 103 phone", "other"),)),
        ("2900", "common_area", "ca-lobby", "Lobby 2900", ()),
    ]


async def test_a_rooms_user_is_found_by_extension_with_names_department_and_phone(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    await directory.refresh()

    owner = directory.by_extension("2101")

    assert owner is not None
    assert (owner.kind, owner.id, owner.display_name) == ("user", "u101", "Room 101 - 2101")
    assert (owner.first_name, owner.last_name, owner.department) == ("Room", "101", "Rooms")
    assert owner.site == "Harbour View"
    assert owner.devices == (DeviceRef("d101", "Yealink T54W room 101", "yealink"),)


async def test_a_room_that_is_a_common_area_is_found_by_room_number(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    await directory.refresh()

    owner = directory.by_room("103")

    assert owner is not None
    assert (owner.kind, owner.id, owner.extension) == ("common_area", "ca103", "2103")
    assert [d.id for d in owner.devices] == ["dp103"]


async def test_rooms_without_a_zoom_extension_are_listed(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    await directory.refresh()

    matched, unmatched = directory.room_matches()

    assert sorted(matched) == ["101", "102", "103"]
    assert unmatched == ["104"]
    assert directory.by_room("104") is None
    assert directory.by_room("999") is None


async def test_room_names_without_their_extension_are_flagged(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    await directory.refresh()

    flagged = directory.rule_breakers()

    assert [(o.extension, o.display_name) for o in flagged] == [
        ("2102", "Jane Smith"),
        ("2103", "Room 103"),
    ]


async def test_a_failed_refresh_keeps_the_directory_it_had(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    routes = _hotel(router)
    async with zoom_client(router, clock, scheduling=scheduling_settings(retries=0)) as zoom:
        directory = Directory(ZoomApi(zoom), clock, rooms=ROOMS)
        await directory.refresh()
        loaded_at = directory.loaded_at
        for route in routes.values():
            route.mock(return_value=httpx.Response(503))
        clock.advance(480 * 60)

        with pytest.raises(ZoomUnavailable):
            await directory.refresh()

        owner = directory.by_room("101")
        assert owner is not None and owner.id == "u101"
        assert directory.loaded_at == loaded_at


async def test_entries_lapse_when_refreshes_keep_failing_for_two_intervals(
    hotel: dict[str, respx.Route], clock: FakeClock, directory: Directory
) -> None:
    await directory.refresh()

    clock.advance(2 * 480 * 60 - 1)
    assert directory.by_room("101") is not None
    clock.advance(2)
    assert directory.by_room("101") is None


async def test_a_refresh_replaces_what_zoom_no_longer_says(
    hotel: dict[str, respx.Route], directory: Directory
) -> None:
    await directory.refresh()
    renamed = [{**USERS[0], "display_name": "Room 101 - 2101 (Smith)"}, USERS[1]]
    hotel["users"].mock(side_effect=_listing("users", renamed))
    hotel["common_areas"].mock(side_effect=_listing("common_areas", COMMON_AREAS[1:]))

    await directory.refresh()

    owner = directory.by_room("101")
    assert owner is not None and owner.display_name == "Room 101 - 2101 (Smith)"
    assert directory.by_room("103") is None


async def test_a_room_missing_from_the_directory_reloads_it_but_not_in_a_storm(
    hotel: dict[str, respx.Route], clock: FakeClock, directory: Directory
) -> None:
    await directory.refresh()
    clock.advance(61)

    assert await directory.find_room("104") is None
    assert await directory.find_room("104") is None  # too soon for another reload

    assert hotel["users"].call_count == 2


async def test_without_the_common_area_scope_common_areas_are_not_listed(
    router: respx.MockRouter, hotel: dict[str, respx.Route], zoom: ZoomClient, clock: FakeClock
) -> None:
    router["token"].mock(
        return_value=token_response(
            scopes=ALL_SCOPES - {"phone:read:common_area:admin", "phone:update:common_area:admin"}
        )
    )
    await zoom.start()
    directory = Directory(ZoomApi(zoom), clock, rooms=ROOMS)

    stats = await directory.refresh()

    assert hotel["common_areas"].call_count == 0
    assert stats.common_areas == 0
    assert directory.by_room("101") is not None


async def test_the_directory_reloads_on_its_interval_by_the_connectors_clock(
    hotel: dict[str, respx.Route], directory: Directory, clock: FakeClock
) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(directory.run(stop))


    async def three_refreshes() -> None:  # the fake clock's sleeps pass at once
        while hotel["users"].call_count < 3:  # noqa: ASYNC110 - polls a respx counter
            await asyncio.sleep(0.001)

    await asyncio.wait_for(three_refreshes(), timeout=5)
    stop.set()
    await asyncio.wait_for(running, timeout=1)

    assert hotel["users"].call_count >= 3
    assert clock.sleeps[:3] == [480 * 60] * 3
