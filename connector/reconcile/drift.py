"""What Zoom really shows for a room, read back for a full pass (drift made by hand in the
Zoom portal). Names come from the directory listings (no extra calls); outbound switches need
two Light calls per room, so they are read only on a deep pass."""

from __future__ import annotations

from typing import Any

from connector.rooms.known import KnownZoom
from connector.zoom.api import ZoomApi
from connector.zoom.directory import ExtensionOwner

ALLOWED = 1


def names_from_directory(known: KnownZoom, owner: ExtensionOwner) -> KnownZoom:
    """Trust the directory's names over what we recorded: someone may have edited them."""
    user = owner.kind == "user"
    return known.model_copy(update={
        "first_name": owner.first_name if user else None,
        "last_name": owner.last_name if user else None,
        "display_name": owner.display_name,
        "department": owner.department,
    })


async def outbound_from_zoom(
    api: ZoomApi, known: KnownZoom, owner: ExtensionOwner, country: str, room: str
) -> KnownZoom:
    """Read the room's international switch and home-country rule back from Zoom."""
    intent = f"read room {room}'s outbound rules (extension {owner.extension})"
    if owner.kind == "user":
        profile = await api.get_phone_user(owner.id, intent=intent)
        rules = await api.get_user_country_rules(owner.id, intent=intent)
    else:
        profile = await api.get_common_area(owner.id, intent=intent)
        rules = await api.get_common_area_country_rules(owner.id, intent=intent)
    home = next((r for r in rules if r.iso_code == country), None)
    return known.model_copy(update={
        "international_allowed": _international(profile.get("policy")),
        # No rule for the home country: Zoom's default, which allows it.
        "domestic_allowed": home is None or home.rule == ALLOWED,
    })


def _international(policy: Any) -> bool | None:
    if not isinstance(policy, dict):
        return None
    value = policy.get("international_calling")
    if isinstance(value, dict):
        value = value.get("enable")
    return value if isinstance(value, bool) else None
