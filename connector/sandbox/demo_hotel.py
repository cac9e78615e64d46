"""The seeded demo hotel: the same account every time for the same seed and start time.

Harbour View Hotel has 8 floors of 30 rooms. Rooms 1-25 of each floor are Zoom Phone users
with a desk phone; rooms 26-30 are common-area phones. Room and extension differ (room 412
rings extension 2412; the eighth floor was renumbered to 38xx), so the connector must read
the room map. Most names contain the extension, as DV2000-style name translation requires;
a few break the rule, as a hand edit in the portal would.

Bigger (or smaller) hotels, for benchmarks: `build_demo_hotel(now, floors=25,
rooms_per_floor=40)`. Room numbers stay `{floor}{number:02d}` (floor 12, room 7 is "1207").
The last five rooms of every floor are common areas (the last one a suite). Extensions:
floors 1-7 ring 2000 + room, floor 8 rings 38xx, and floors 9 and up, which would collide
with the connector's lines (29xx) and the eighth floor, ring 4000 + (floor - 9) x 100 +
number (room 901 rings 4001, room 1207 rings 4307, room 2540 rings 5640). The two rooms in
the map that Zoom does not have are numbered on the floor above the top one (901 and 902 in
the default hotel) and keep extensions 3901 and 3902. The default size is byte-for-byte the
hotel it always was.
"""

from __future__ import annotations

import csv
import io
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from connector.sandbox.state import (
    Account,
    CallRecord,
    CommonArea,
    Device,
    OutboundPolicy,
    PhoneProfile,
    SipAccount,
    Site,
    User,
    Voicemail,
)

FLOORS = range(1, 9)
ROOMS_PER_FLOOR = 30
COMMON_AREAS_PER_FLOOR = 5  # the last five rooms of each floor (26-30 by default)
FIRST_COMMON_AREA_ROOM = ROOMS_PER_FLOOR - COMMON_AREAS_PER_FLOOR + 1
MAX_FLOORS = 68  # floors 9-68 ring 4000-9999: four digits, like every other extension
MAX_ROOMS_PER_FLOOR = 99  # room numbers are `{floor}{number:02d}`
OPERATOR_EXTENSION = 2000
FRONT_DESK_EXTENSIONS = (2001, 2002)
LINE_EXTENSIONS = (2901, 2902, 2903, 2904)
# Rooms in the hotel's map whose extensions were never created in Zoom: on the floor above
# the top one (901 and 902 by default).
UNPROVISIONED_EXTENSIONS = (3901, 3902)
EMAIL_DOMAIN = "harbourview.example"
DEFAULT_SEED = 7
DEFAULT_SIP_HOST = "127.0.0.1:5091"
DEFAULT_SIP_HOST_SECONDARY = "127.0.0.1:5092"
# The demo hotel's tariff (New York, USD): prices every call the demo hotel's phones make.
DEMO_TARIFF = Path(__file__).with_name("demo_tariff.yaml")


@dataclass(frozen=True, slots=True)
class RoomEntry:
    """One line of the hotel's room map."""

    room: str
    extension: int


@dataclass(frozen=True, slots=True)
class DemoHotel:
    account: Account
    rooms: tuple[RoomEntry, ...]
    connector_device_id: str

    def room_map_csv(self) -> str:
        """The room map as the connector reads it: a `room,extension` header, one room a line."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["room", "extension"])
        for entry in self.rooms:
            writer.writerow([entry.room, entry.extension])
        return out.getvalue()

    def write_room_map(self, path: Path) -> Path:
        """Write `room_map_csv()` to `path` (for `CONNECTOR_ROOMS__MAP_FILE`)."""
        path.write_text(self.room_map_csv(), encoding="utf-8")
        return path


def extension_for_room(floor: int, number: int) -> int:
    """The hotel's numbering plan: 2000 + room, except the renumbered eighth floor (38xx);
    floors 9 and up ring 4000 + (floor - 9) x 100 + number (room 901 rings 4001)."""
    if floor == 8:
        return 3800 + number
    if floor >= 9:
        return 4000 + (floor - 9) * 100 + number
    return 2000 + floor * 100 + number


def unprovisioned_rooms(floors: int) -> tuple[tuple[str, int], ...]:
    """Rooms in the map with no Zoom extension: on the floor above the top one."""
    return tuple((f"{floors + 1}{i:02d}", ext)
                 for i, ext in enumerate(UNPROVISIONED_EXTENSIONS, start=1))


UNPROVISIONED_ROOMS = unprovisioned_rooms(len(FLOORS))  # ("901", 3901), ("902", 3902)


class _Ids:
    """Zoom-looking ids (22 letters and digits) from a seeded generator."""

    _ALPHABET = string.ascii_letters + string.digits

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def zoom_id(self) -> str:
        return "".join(self._rng.choice(self._ALPHABET) for _ in range(22))

    def digits(self, n: int) -> str:
        return "".join(self._rng.choice(string.digits) for _ in range(n))

    def mac(self) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(12))


def _default_country_rules() -> dict[str, int]:
    return {"US": 1, "CA": 1, "GB": 1, "FR": 1, "CU": 2}


def build_demo_hotel(
    now: datetime,
    seed: int = DEFAULT_SEED,
    sip_host: str = DEFAULT_SIP_HOST,
    sip_host_secondary: str = DEFAULT_SIP_HOST_SECONDARY,
    *,
    floors: int = len(FLOORS),
    rooms_per_floor: int = ROOMS_PER_FLOOR,
) -> DemoHotel:
    """Build the demo account as of `now` (voicemails and calls are dated just before it).

    `floors` x `rooms_per_floor` sizes the hotel (numbering in the module docstring)."""
    if not 1 <= floors <= MAX_FLOORS:
        raise ValueError(f"floors must be 1..{MAX_FLOORS} (four-digit extensions)")
    if not COMMON_AREAS_PER_FLOOR < rooms_per_floor <= MAX_ROOMS_PER_FLOOR:
        raise ValueError(
            f"rooms_per_floor must be {COMMON_AREAS_PER_FLOOR + 1}..{MAX_ROOMS_PER_FLOOR}")
    first_common_area = rooms_per_floor - COMMON_AREAS_PER_FLOOR + 1
    rng = random.Random(seed)
    ids = _Ids(rng)
    account = Account(id="HarbourViewSbx" + ids.digits(8))
    site = Site(id=ids.zoom_id(), name="Harbour View Hotel")
    account.sites[site.id] = site
    created = now - timedelta(days=400)

    def add_user(
        ext: int | None, first: str, last: str, display: str, email: str, dept: str
    ) -> User:
        user = User(
            id=ids.zoom_id(), email=f"{email}@{EMAIL_DOMAIN}", first_name=first,
            last_name=last, display_name=display, created_at=created, dept=dept,
        )
        if ext is not None:
            user.phone = PhoneProfile(
                phone_user_id=ids.zoom_id(), extension_id=ids.zoom_id(),
                extension_number=ext, site_id=site.id, department=dept,
                policy=OutboundPolicy(country_rules=_default_country_rules()),
            )
        account.users[user.id] = user
        return user

    def add_desk_phone(owner_id: str, name: str, brand: str) -> None:
        device = Device(
            id=ids.zoom_id(), display_name=name, device_type=brand, mac_address=ids.mac(),
            site_id=site.id, assignee_ids=[owner_id],
            private_ip=f"10.20.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
            public_ip="203.0.113.10",
        )
        account.devices[device.id] = device

    # Staff first, as an admin would have set the account up.
    operator = add_user(OPERATOR_EXTENSION, "Hotel", "Operator", "Operator", "operator",
                        "Front Office")
    add_desk_phone(operator.id, "Operator console", "poly")
    for i, ext in enumerate(FRONT_DESK_EXTENSIONS, start=1):
        desk = add_user(ext, "Front", f"Desk {i}", f"Front Desk {i}", f"frontdesk{i}",
                        "Front Office")
        add_desk_phone(desk.id, f"Front desk {i}", "poly")
    add_user(2003, "Housekeeping", "Office", "Housekeeping", "housekeeping", "Housekeeping")
    add_user(None, "Dana", "Reyes", "Dana Reyes (IT)", "it.admin", "IT")

    rooms: list[RoomEntry] = []
    for floor in range(1, floors + 1):
        for number in range(1, rooms_per_floor + 1):
            room = f"{floor}{number:02d}"
            ext = extension_for_room(floor, number)
            rooms.append(RoomEntry(room, ext))
            if number < first_common_area:
                if number % 11 == 0:  # an old hand edit: the room number, not the extension
                    first, last = "Room", room
                elif number == 13:
                    first, last = "Guest", "Room"
                else:
                    first, last = "Room", str(ext)
                user = add_user(ext, first, last, f"{first} {last}", f"room{ext}",
                                "Guest Rooms")
                # A few room users have no Zoom client signed in: presence cannot be set.
                user.client_signed_in = number != 17
                add_desk_phone(user.id, f"Room {room} phone", "yealink")
            else:
                display = f"Suite {room}" if number == rooms_per_floor else f"Room {ext}"
                area = CommonArea(
                    id=ids.zoom_id(), display_name=display, extension_id=ids.zoom_id(),
                    extension_number=ext, site_id=site.id, department="Guest Rooms",
                    policy=OutboundPolicy(
                        # The next-to-last room of each floor (x29) has the policy off.
                        outbound_calling_enabled=number != rooms_per_floor - 1,
                        country_rules=_default_country_rules(),
                    ),
                )
                account.common_areas[area.id] = area
                add_desk_phone(area.id, f"Room {room} phone", "poly")
    rooms += [RoomEntry(room, ext) for room, ext in unprovisioned_rooms(floors)]

    # The connector's own SIP lines: one user per line, all on one "Other" device.
    line_users = [
        add_user(ext, "Wake-up", f"Line {i}", f"Wake-up Line {i} {ext}", f"line{i}",
                 "Connector")
        for i, ext in enumerate(LINE_EXTENSIONS, start=1)
    ]
    sip_device = Device(
        id=ids.zoom_id(), display_name="Connector SIP lines", device_type="other",
        mac_address=ids.mac(), site_id=site.id, assignee_ids=[u.id for u in line_users],
        provision_type="manual", private_ip="10.20.0.50", public_ip="203.0.113.10",
    )
    for user in line_users:
        assert user.phone is not None
        sip_device.sip_accounts.append(SipAccount(
            user_name=ids.digits(10), authorization_id=ids.digits(10),
            password=ids.zoom_id()[:16], sip_domain=sip_host, outbound_proxy=sip_host,
            secondary_outbound_proxy=sip_host_secondary,
            extension_number=user.phone.extension_number, display_name=user.display_name,
        ))
    account.devices[sip_device.id] = sip_device

    _seed_voicemails(account, rng, ids, now)
    _seed_calls(account, rng, ids, now)
    return DemoHotel(account=account, rooms=tuple(rooms), connector_device_id=sip_device.id)


_CALLERS = (("+12125550143", "WIRELESS CALLER"), ("+16175550178", "BOSTON MA"),
            ("+442075550199", "LONDON"), ("+13105550112", "JORDAN LEE"))


def _seed_voicemails(account: Account, rng: random.Random, ids: _Ids, now: datetime) -> None:
    owners: list[tuple[str, str, int, str]] = [
        ("user", u.id, u.phone.extension_number, u.display_name)
        for u in account.users.values() if u.phone is not None
    ] + [
        ("commonArea", a.id, a.extension_number, a.display_name)
        for a in account.common_areas.values()
    ]
    for owner_type, owner_id, ext, name in owners:
        if rng.random() >= 0.12:
            continue
        for _ in range(rng.randint(1, 3)):
            number, caller = rng.choice(_CALLERS)
            vm = Voicemail(
                id=ids.zoom_id(), owner_type=owner_type, owner_id=owner_id,
                call_id=ids.digits(19), caller_number=number, caller_name=caller,
                callee_number=str(ext), callee_name=name,
                date_time=now - timedelta(minutes=rng.randint(30, 20 * 24 * 60)),
                duration=rng.randint(4, 90), status=rng.choice(("read", "unread")),
            )
            account.voicemails[vm.id] = vm


def _seed_calls(account: Account, rng: random.Random, ids: _Ids, now: datetime) -> None:
    rooms = [u for u in account.users.values()
             if u.phone is not None and u.dept == "Guest Rooms"]
    for _ in range(60):
        user = rng.choice(rooms)
        assert user.phone is not None
        international = rng.random() < 0.2
        number = "+442075550199" if international else "+12125550143"
        outbound = rng.random() < 0.7
        ext, name = str(user.phone.extension_number), user.display_name
        record = CallRecord(
            id=ids.zoom_id(), call_id=ids.digits(19),
            direction="outbound" if outbound else "inbound",
            owner_type="user", owner_id=user.id,
            start_time=now - timedelta(minutes=rng.randint(10, 20 * 60)),
            duration=rng.randint(0, 900),
            result=rng.choice(("answered", "answered", "answered", "no_answer")),
            caller_number=ext if outbound else number,
            caller_name=name if outbound else "WIRELESS CALLER",
            callee_number=number if outbound else ext,
            callee_name="" if outbound else name,
            international=international,
            callee_country_iso_code="GB" if international else "US",
        )
        account.calls[record.id] = record
