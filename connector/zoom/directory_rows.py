"""The directory's entries, and how Zoom's four listings become them (pure).

Each listing's items are folded into small rows as they arrive, keeping only the fields the
directory hands out; the Zoom models and their pages are dropped at once, so loading a
2,000-room hotel never holds a whole listing. `owners()` then joins the rows into one
`ExtensionOwner` per extension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from connector.zoom.models import CommonArea, PhoneDevice, PhoneUser, ZoomUser


@dataclass(frozen=True, slots=True)
class DeviceRef:
    id: str
    display_name: str
    device_type: str | None


@dataclass(frozen=True, slots=True)
class ExtensionOwner:
    """The Zoom user or common area that owns one extension, as Zoom last told us."""

    extension: str
    kind: Literal["user", "common_area"]
    id: str
    display_name: str
    first_name: str = ""
    last_name: str = ""
    department: str = ""
    email: str | None = None
    site: str | None = None
    devices: tuple[DeviceRef, ...] = field(default=())

    @property
    def name_has_extension(self) -> bool:
        """DV2000's rule, which wake-up lines rely on: the shown name carries the extension."""
        return self.extension in self.display_name


class _Names(NamedTuple):
    """What `/users` adds to a phone user: the names a guest's room phone shows."""

    id: str
    display_name: str
    first_name: str
    last_name: str
    dept: str


class _Line(NamedTuple):
    """A phone user that has an extension."""

    id: str
    email: str | None
    name: str
    extension: str
    department: str | None
    site: str | None


class _Area(NamedTuple):
    """A common area that has an extension."""

    id: str
    display_name: str
    extension: str
    site: str | None
    desk_phones: tuple[DeviceRef, ...]


class Listings:
    """The four listings, folded item by item; `owners()` joins them."""

    def __init__(self) -> None:
        self._users_by_id: dict[str, _Names] = {}
        self._users_by_email: dict[str, _Names] = {}
        self._lines: list[_Line] = []
        self._areas: list[_Area] = []
        self._devices_by_extension: dict[str, list[DeviceRef]] = {}
        self.devices = 0

    def add_user(self, user: ZoomUser) -> None:
        names = _Names(user.id, user.display_name, user.first_name, user.last_name, user.dept)
        self._users_by_id[user.id] = names
        if user.email:
            self._users_by_email[user.email.lower()] = names

    def add_phone_user(self, user: PhoneUser) -> None:
        if user.extension_number is None:
            return
        self._lines.append(_Line(
            user.id, user.email, user.name, str(user.extension_number), user.department,
            user.site.name if user.site else None))

    def add_device(self, device: PhoneDevice) -> None:
        self.devices += 1
        ref = DeviceRef(device.id, device.display_name, device.device_type)
        for number in device.extension_numbers():
            self._devices_by_extension.setdefault(str(number), []).append(ref)

    def add_common_area(self, area: CommonArea) -> None:
        if area.extension_number is None:
            return
        desk = tuple(DeviceRef(d.id, d.display_name, d.device_type) for d in area.desk_phones)
        self._areas.append(_Area(area.id, area.display_name, str(area.extension_number),
                                 area.site.name if area.site else None, desk))

    def owners(self) -> list[ExtensionOwner]:
        """One owner per extension: phone users (with their names from `/users`, matched
        by id, else by email), then common areas, each with the phones on its extension."""
        devices = self._devices_by_extension
        owners: list[ExtensionOwner] = []
        for line in self._lines:
            user = self._users_by_id.get(line.id) or (
                self._users_by_email.get(line.email.lower()) if line.email else None)
            owners.append(ExtensionOwner(
                extension=line.extension,
                kind="user",
                id=user.id if user else line.id,
                display_name=(user.display_name if user and user.display_name else line.name),
                first_name=user.first_name if user else "",
                last_name=user.last_name if user else "",
                department=(user.dept if user else "") or (line.department or ""),
                email=line.email,
                site=line.site,
                devices=tuple(devices.get(line.extension, ())),
            ))
        for area in self._areas:
            owners.append(ExtensionOwner(
                extension=area.extension,
                kind="common_area",
                id=area.id,
                display_name=area.display_name,
                site=area.site,
                devices=area.desk_phones or tuple(devices.get(area.extension, ())),
            ))
        return owners
