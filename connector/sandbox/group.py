"""A hotel group on one Zoom account: the demo building split into hotels, one site each.

Zoom keeps one set of rate limits and daily budgets per account, and a group runs one account
with a site per hotel. The sandbox plays that with one account whose floors are shared out
between `hotels` hotels in order (floors // hotels each, the first ones taking one more when it
does not divide): each hotel gets its own Zoom site (its rooms' users, common areas and desk
phones move there) and its own room map. Rooms keep the building's numbers and extensions
(hotel 2 of a 2-floor-per-hotel group has rooms 301..., extensions 23xx), so every extension
stays unique on the account, as Zoom requires without site codes. Staff and the connector's
lines stay on the first site.
"""

from __future__ import annotations

import csv
import io
import random
import string
from dataclasses import dataclass
from pathlib import Path

from connector.sandbox.demo_hotel import DemoHotel, RoomEntry
from connector.sandbox.state import Account, Site

MAX_HOTELS = 68  # one floor each at most (demo_hotel.MAX_FLOORS)
_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class GroupHotel:
    """One hotel of the group: its name (the shared limiter's hotel id), site and rooms."""

    hotel_id: str
    name: str
    site_id: str
    floors: tuple[int, ...]
    rooms: tuple[RoomEntry, ...]

    def room_map_csv(self) -> str:
        """This hotel's room map, as the connector reads it (`room,extension`)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["room", "extension"])
        writer.writerows((r.room, r.extension) for r in self.rooms)
        return out.getvalue()

    def write_room_map(self, path: Path) -> Path:
        """Write `room_map_csv()` to `path` (for this hotel's `CONNECTOR_ROOMS__MAP_FILE`)."""
        path.write_text(self.room_map_csv(), encoding="utf-8")
        return path


def floors_of_hotels(floors: int, hotels: int) -> list[tuple[int, ...]]:
    """Floors 1..`floors` shared out in order between `hotels` hotels, as evenly as it goes."""
    if not 1 <= hotels <= min(floors, MAX_HOTELS):
        raise ValueError(f"a group of {hotels} hotels needs 1 to {min(floors, MAX_HOTELS)} "
                         f"hotels, one floor at least each ({floors} floors)")
    size, extra = divmod(floors, hotels)
    out: list[tuple[int, ...]] = []
    first = 1
    for i in range(hotels):
        count = size + (1 if i < extra else 0)
        out.append(tuple(range(first, first + count)))
        first += count
    return out


def _floor_of(room: str) -> int:
    return int(room[:-2])


def split_into_hotels(hotel: DemoHotel, hotels: int, floors: int,
                      rng: random.Random) -> tuple[GroupHotel, ...]:
    """Make `hotel`'s account a group of `hotels` hotels (a site each), in place; returns the
    hotels. One hotel: the demo hotel as it is, on its own site."""
    account = hotel.account
    first_site = next(iter(account.sites.values()))
    groups = floors_of_hotels(floors, hotels)
    result: list[GroupHotel] = []
    base_name = first_site.name
    for i, group_floors in enumerate(groups, start=1):
        if i == 1:
            site = first_site
        else:
            site = Site(id="".join(rng.choice(_ID_ALPHABET) for _ in range(22)), name="")
            account.sites[site.id] = site
        if hotels > 1:
            site.name = f"{base_name} {i}"
        in_hotel = set(group_floors)
        top = max(group_floors) == floors
        rooms = tuple(r for r in hotel.rooms
                      if _floor_of(r.room) in in_hotel
                      # The rooms Zoom lacks sit above the top floor: the top hotel's map.
                      or (top and _floor_of(r.room) == floors + 1))
        _move_to_site(account, {r.extension for r in rooms}, site.id)
        result.append(GroupHotel(hotel_id=f"hotel-{i}", name=site.name, site_id=site.id,
                                 floors=group_floors, rooms=rooms))
    return tuple(result)


def _move_to_site(account: Account, extensions: set[int], site_id: str) -> None:
    owners: set[str] = set()
    for user in account.users.values():
        if user.phone is not None and user.phone.extension_number in extensions:
            user.phone.site_id = site_id
            owners.add(user.id)
    for area in account.common_areas.values():
        if area.extension_number in extensions:
            area.site_id = site_id
            owners.add(area.id)
    for device in account.devices.values():
        if owners.intersection(device.assignee_ids):
            device.site_id = site_id
