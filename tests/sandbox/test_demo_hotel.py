"""The demo hotel: deterministic, realistic, and awkward in the ways real hotels are."""

from __future__ import annotations

import csv
import io

from connector.sandbox.clock import DEFAULT_FROZEN_START
from connector.sandbox.demo_hotel import build_demo_hotel
from connector.sandbox.state import CommonArea, User


def test_same_seed_same_hotel() -> None:
    one = build_demo_hotel(DEFAULT_FROZEN_START, seed=7)
    two = build_demo_hotel(DEFAULT_FROZEN_START, seed=7)
    assert one.account == two.account
    assert build_demo_hotel(DEFAULT_FROZEN_START, seed=8).account != one.account


def test_a_few_hundred_rooms_mostly_users_some_common_areas() -> None:
    hotel = build_demo_hotel(DEFAULT_FROZEN_START)
    owners = [hotel.account.owner_of_extension(r.extension) for r in hotel.rooms]
    users = [o for o in owners if isinstance(o, User)]
    areas = [o for o in owners if isinstance(o, CommonArea)]
    assert 200 <= len(hotel.rooms) <= 400
    assert len(users) > len(areas) > 10
    assert owners.count(None) == 2  # rooms in the map that Zoom does not have
    assert all(hotel.account.devices_of(o.id) for o in users + areas)


def test_extension_and_room_number_differ() -> None:
    hotel = build_demo_hotel(DEFAULT_FROZEN_START)
    assert all(r.room != str(r.extension) for r in hotel.rooms)


def test_some_names_break_the_extension_rule() -> None:
    hotel = build_demo_hotel(DEFAULT_FROZEN_START)
    names = {}
    for room in hotel.rooms:
        owner = hotel.account.owner_of_extension(room.extension)
        if owner is not None:
            names[room.extension] = owner.display_name
    breaking = [ext for ext, name in names.items() if str(ext) not in name]
    assert 10 < len(breaking) < len(names) // 4


def test_staff_and_connector_lines() -> None:
    account = build_demo_hotel(DEFAULT_FROZEN_START).account
    assert account.owner_of_extension(2000).display_name == "Operator"  # type: ignore[union-attr]
    assert "Front Desk 1" in {u.display_name for u in account.users.values()}
    other = [d for d in account.devices.values() if d.device_type == "other"]
    assert len(other) == 1 and other[0].provision_type == "manual"
    assert len(other[0].sip_accounts) == 4


def test_room_map_csv_is_what_the_connector_reads() -> None:
    hotel = build_demo_hotel(DEFAULT_FROZEN_START)
    rows = list(csv.DictReader(io.StringIO(hotel.room_map_csv())))
    assert rows[0] == {"room": "101", "extension": "2101"}
    assert {"room": "801", "extension": "3801"} in rows
    assert len(rows) == len(hotel.rooms)


def test_voicemails_and_calls_are_recent() -> None:
    account = build_demo_hotel(DEFAULT_FROZEN_START).account
    assert account.voicemails and account.calls
    assert all(vm.date_time < DEFAULT_FROZEN_START for vm in account.voicemails.values())
    assert all((DEFAULT_FROZEN_START - c.start_time).total_seconds() < 86_400
               for c in account.calls.values())


def test_a_bigger_hotel_for_benchmarks_keeps_every_room_and_extension_unique() -> None:
    hotel = build_demo_hotel(DEFAULT_FROZEN_START, floors=25, rooms_per_floor=40)
    rooms = {r.room: r.extension for r in hotel.rooms}
    owners = [hotel.account.owner_of_extension(ext) for ext in rooms.values()]
    zoom_extensions = [u.phone.extension_number for u in hotel.account.users.values()
                       if u.phone is not None]
    zoom_extensions += [a.extension_number for a in hotel.account.common_areas.values()]

    assert len(rooms) == len(hotel.rooms) == 1002
    assert len(set(rooms.values())) == len(rooms)
    assert len(set(zoom_extensions)) == len(zoom_extensions)
    assert owners.count(None) == 2
    assert sum(isinstance(o, CommonArea) for o in owners) == 125  # the last five of a floor
    # Floors 1-7: 2000 + room; 8: 38xx; 9 and up: 4000 + (floor - 9) x 100 + number.
    assert (rooms["101"], rooms["740"], rooms["801"]) == (2101, 2740, 3801)
    assert (rooms["901"], rooms["1207"], rooms["2540"]) == (4001, 4307, 5640)
    assert (rooms["2601"], rooms["2602"]) == (3901, 3902)  # in the map, not in Zoom
    assert all(r.room != str(r.extension) for r in hotel.rooms)
    assert hotel.account.voicemails


def test_the_default_size_is_the_demo_hotel() -> None:
    assert build_demo_hotel(DEFAULT_FROZEN_START, floors=8, rooms_per_floor=30).account == (
        build_demo_hotel(DEFAULT_FROZEN_START).account)
