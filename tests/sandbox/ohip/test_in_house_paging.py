"""The resync's in-house list, as getHotelReservations pages it with limit and offset."""

from __future__ import annotations

from connector.sandbox.ohip.emulator import OhipEmulator
from tests.sandbox.ohip.support import Ohip

RESERVATIONS = "/rsv/v1/hotels/{hotel}/reservations"


def _fill(emulator: OhipEmulator, in_house: int, checked_out: int) -> None:
    state = emulator.state
    rooms = sorted(state.rooms)
    for n in range(in_house + checked_out):
        guest = state.create_reservation(f"Guest{n}", "Example", room=rooms[n])
        state.check_in(guest.id)
        if n >= in_house:
            state.check_out(guest.id)


async def test_a_25_room_house_comes_in_pages_of_10_and_leaves_checked_out_guests_out(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    _fill(emulator, in_house=25, checked_out=3)
    rooms: list[str] = []
    pages = []
    offset = 0
    while True:
        answer = (await ohip.call("GET", RESERVATIONS, params={
            "searchType": "InHouse", "limit": "10", "offset": str(offset)})).json()
        page = answer["reservations"]
        pages.append((page["count"], page["hasMore"], page["totalResults"]))
        rooms += [r["roomStay"]["roomId"] for r in page["reservationInfo"]]
        if not page["hasMore"]:
            break
        offset += page["count"]
    assert pages == [(10, True, 25), (10, True, 25), (5, False, 25)]
    assert rooms == sorted(emulator.state.rooms)[:25]


async def test_without_a_limit_the_default_page_is_used_and_a_huge_one_is_capped(
        ohip: Ohip, emulator: OhipEmulator) -> None:
    _fill(emulator, in_house=30, checked_out=0)
    default = (await ohip.call("GET", RESERVATIONS, params={"searchType": "InHouse"})).json()
    assert default["reservations"]["limit"] == emulator.parts.paging.default_limit == 20
    emulator.parts.paging.max_limit = 25
    capped = (await ohip.call("GET", RESERVATIONS,
                              params={"searchType": "InHouse", "limit": "1000"})).json()
    assert capped["reservations"]["count"] == 25
    assert capped["reservations"]["hasMore"] is True


async def test_an_empty_house_is_an_empty_list(ohip: Ohip) -> None:
    answer = (await ohip.call("GET", RESERVATIONS, params={"searchType": "InHouse"})).json()
    assert answer["reservations"]["totalResults"] == 0
    assert answer["reservations"]["hasMore"] is False
