"""The sandbox as a hotel group: one Zoom account, a site and a room map per hotel, the
account's rate limits shared by every hotel's connector, and another app on the account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.group import floors_of_hotels
from connector.sandbox.sandbox import ASGI_OAUTH_URL, FOREIGN_ENDPOINT
from connector.zoom.catalogue import Category, Family
from tests.sandbox.sandbox_support import SpecChecker, Zoom


@pytest.fixture
def sandbox() -> Sandbox:
    """Three hotels on one account, with a frozen clock."""
    return Sandbox(SandboxConfig(frozen_clock=True, hotels=3))


@pytest.fixture
async def second_hotel(checker: SpecChecker) -> AsyncIterator[Zoom]:
    """Another hotel's connector: its own connection and token, the same account."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=checker)) as http:
        yield Zoom(http, ASGI_OAUTH_URL)


def test_the_floors_are_shared_out_in_order_the_first_hotels_taking_the_rest() -> None:
    assert floors_of_hotels(8, 3) == [(1, 2, 3), (4, 5, 6), (7, 8)]
    assert floors_of_hotels(16, 16)[15] == (16,)
    with pytest.raises(ValueError, match="one floor at least"):
        floors_of_hotels(8, 9)


async def test_each_hotel_is_a_site_of_the_account_with_its_own_rooms(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    hotels = sandbox.hotels
    assert [h.name for h in hotels] == [f"Harbour View Hotel {i}" for i in (1, 2, 3)]
    assert len({h.site_id for h in hotels}) == 3
    maps = [{r.room for r in h.rooms} for h in hotels]
    assert not maps[0] & maps[1] and not maps[1] & maps[2]
    assert "101" in maps[0] and "415" in maps[1] and "830" in maps[2]
    assert "901" in maps[2]  # the rooms Zoom lacks belong to the top floor's hotel

    room_415 = (await zoom.get(f"/phone/users/{sandbox.owner(2415).id}")).json()
    suite_830 = (await zoom.get(f"/phone/common_areas/{sandbox.owner(3830).id}")).json()
    assert room_415["site_id"] == hotels[1].site_id
    assert suite_830["site"]["id"] == hotels[2].site_id


def test_a_hotels_room_map_lists_only_its_rooms() -> None:
    sandbox = Sandbox(SandboxConfig(frozen_clock=True, hotels=2))
    lines = sandbox.hotels[1].room_map_csv().splitlines()
    assert lines[0] == "room,extension"
    assert lines[1] == "501,2501"
    assert "430,2430" not in lines


def test_the_hotel_environment_names_the_hotel_and_the_group_size(sandbox: Sandbox) -> None:
    env = sandbox.hotel_environment(sandbox.hotels[1], "/srv/h2/rooms.csv",
                                    "redis://127.0.0.1:6379/0", "/srv/h2/connector.sqlite3")
    assert env["CONNECTOR_SHARED_LIMIT__HOTEL_ID"] == "hotel-2"
    assert env["CONNECTOR_SHARED_LIMIT__CONNECTORS"] == "3"
    assert env["CONNECTOR_ROOMS__MAP_FILE"] == "/srv/h2/rooms.csv"
    assert env["CONNECTOR_ZOOM__ACCOUNT_ID"] == sandbox.config.credentials.account_id


async def test_two_hotels_share_the_accounts_phone_light_limit(
    zoom: Zoom, second_hotel: Zoom, sandbox: Sandbox
) -> None:
    first = f"/phone/users/{sandbox.owner(2101).id}"
    second = f"/phone/users/{sandbox.owner(2501).id}"
    statuses = []
    for _ in range(10):  # Pro: 20 a second for the whole account
        statuses.append((await zoom.get(first)).status_code)
        statuses.append((await second_hotel.get(second)).status_code)
    assert statuses == [200] * 20
    assert (await second_hotel.get(second)).status_code == 429
    assert (await zoom.get(first)).status_code == 429
    sandbox.advance(1)
    assert (await second_hotel.get(second)).status_code == 200


async def test_another_app_spending_30_percent_leaves_the_hotels_14_of_20(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    sandbox.limiter.set_foreign_share(0.3)
    path = f"/phone/users/{sandbox.owner(2101).id}"
    sandbox.advance(0.999)  # the other app's six calls of this second are all in
    statuses = [(await zoom.get(path)).status_code for _ in range(15)]
    assert statuses == [200] * 14 + [429]
    foreign = sandbox.log.entries(FOREIGN_ENDPOINT)
    assert len(foreign) == 6
    assert {(e.family, e.category) for e in foreign} == {("phone", "light")}
    # Spread over the second: the first at 1/12 s, the last at 11/12 s.
    assert [round(e.monotonic, 3) for e in foreign] == [
        round((j + 0.5) / 6, 3) for j in range(6)]


async def test_the_other_app_loses_slots_a_burst_of_ours_took_first(
    zoom: Zoom, sandbox: Sandbox
) -> None:
    sandbox.limiter.set_foreign_share(0.3)
    path = f"/phone/users/{sandbox.owner(2101).id}"
    assert [(await zoom.get(path)).status_code for _ in range(20)] == [200] * 20
    sandbox.advance(0.999)
    assert (await zoom.get(path)).status_code == 429
    assert sandbox.log.entries(FOREIGN_ENDPOINT) == []  # all six refused: the window was full


def test_the_other_app_spends_the_accounts_daily_heavy_budget_too(sandbox: Sandbox) -> None:
    sandbox.limiter.set_foreign_share(0.5)
    now = sandbox.clock.now()
    window = sandbox.limiter.window(Family.PHONE, Category.HEAVY)
    sandbox.limiter.check(Family.PHONE, Category.HEAVY, window.seconds - 0.001, now)
    spent = sandbox.limiter.daily_used(Family.PHONE, now)
    assert spent == window.requests // 2 + 1  # the other app's half, and our one call


def test_another_app_cannot_spend_the_whole_account() -> None:
    with pytest.raises(ValueError, match="below 1"):
        Sandbox(SandboxConfig(frozen_clock=True, foreign_share=1.0))
