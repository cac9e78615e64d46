"""Outbound restriction: which calls a room phone may make, from the PMS class of service.

Zoom has no "class of service"; we express a level with two switches per user or common area:
international calling (`policy.international_calling`) and the hotel's own country in the
outbound country/region rules (Allowed or Blocked). Emergency numbers are never blocked by
Zoom's outbound rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from connector.events.models import ClassOfService


class Level(enum.StrEnum):
    INTERNAL = "internal"  # extensions and emergency only
    NATIONAL = "national"  # the hotel's country, no international
    INTERNATIONAL = "international"  # everything

    @property
    def international_allowed(self) -> bool:
        return self is Level.INTERNATIONAL

    @property
    def domestic_allowed(self) -> bool:
        return self is not Level.INTERNAL


DEFAULT_CLASS_LEVELS: Mapping[ClassOfService, Level] = {
    ClassOfService.BARRED: Level.INTERNAL,
    ClassOfService.LOCAL: Level.NATIONAL,
    ClassOfService.NATIONAL: Level.NATIONAL,
    ClassOfService.UNRESTRICTED: Level.INTERNATIONAL,
}


@dataclass(frozen=True)
class RestrictionPolicy:
    """Vacant rooms get `vacant` (None: leave Zoom as it is); occupied rooms get their class
    of service's level, or `default_class`'s when the PMS sent none."""

    vacant: Level | None = Level.INTERNAL
    by_class: Mapping[ClassOfService, Level] = field(
        default_factory=lambda: dict(DEFAULT_CLASS_LEVELS)
    )
    default_class: ClassOfService = ClassOfService.UNRESTRICTED

    def level(self, occupied: bool, class_of_service: ClassOfService | None) -> Level | None:
        if not occupied:
            return self.vacant
        return self.by_class[class_of_service if class_of_service is not None
                             else self.default_class]


def parse_class_levels(text: str) -> dict[ClassOfService, Level]:
    """`0=internal,1=national,2=national,3=international` (missing classes keep defaults)."""
    levels = dict(DEFAULT_CLASS_LEVELS)
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, sep, name = item.partition("=")
        try:
            cls = ClassOfService(int(code))
            level = Level(name.strip().lower())
        except ValueError:
            raise ValueError(
                f"{item!r} is not 'class=level' with class 0-3 and level one of "
                f"{', '.join(lv.value for lv in Level)}"
            ) from None
        if not sep:
            raise ValueError(f"{item!r} is not 'class=level'")
        levels[cls] = level
    return levels
