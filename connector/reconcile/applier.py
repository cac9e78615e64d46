"""One planned change → the Zoom call(s) that make it so → what we now know of Zoom.

A DND is announced before it is sent: `write_ahead` gets the fields that may be true in Zoom
once the request leaves, and must record them durably before returning. A process killed
while Zoom holds the answer then restarts knowing the room may be on DND, and a check-out
clears it (otherwise the next guest would inherit it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connector.reconcile.purger import VoicemailPurger
from connector.rooms.changes import (
    Change,
    ClearDnd,
    PurgeVoicemail,
    SetCommonAreaName,
    SetDnd,
    SetDomestic,
    SetInternational,
    SetUserNames,
)
from connector.rooms.planner import Target
from connector.zoom.api import ZoomApi
from connector.zoom.models import CountryRule

ALLOWED, BLOCKED = 1, 2  # Zoom's outbound country/region rule codes


class ZoomApplier:
    def __init__(self, api: ZoomApi, purger: VoicemailPurger, home_country: str) -> None:
        self._api = api
        self._purger = purger
        self._country = home_country

    async def apply(
        self,
        change: Change,
        target: Target,
        room: str,
        write_ahead: Callable[[dict[str, Any]], None] = lambda _fields: None,
    ) -> dict[str, Any]:
        """Make one change in Zoom; returns the `KnownZoom` fields it establishes."""
        api, tid = self._api, target.id
        match change:
            case SetUserNames():
                await api.update_user(
                    tid, first_name=change.first_name, last_name=change.last_name,
                    display_name=change.display_name, dept=change.department,
                    intent=f"rename room {room}'s user (extension {target.extension})")
                known: dict[str, Any] = {
                    "first_name": change.first_name, "last_name": change.last_name,
                    "display_name": change.display_name}
                if change.department is not None:
                    known["department"] = change.department
                return known
            case SetCommonAreaName():
                await api.update_common_area(
                    tid, display_name=change.display_name, department=change.department,
                    intent=f"rename room {room}'s common area (extension {target.extension})")
                known = {"display_name": change.display_name}
                if change.department is not None:
                    known["department"] = change.department
                return known
            case SetDnd():
                write_ahead({"dnd_maybe_on": True})
                await api.set_presence(
                    tid, "Do_Not_Disturb", duration_minutes=change.minutes,
                    intent=f"set DND on room {room} (extension {target.extension})")
                return {"dnd": True, "dnd_until": change.until, "dnd_maybe_on": False}
            case ClearDnd():
                # No write-ahead: until its answer is recorded we still think DND may be on.
                await api.set_presence(
                    tid, "Available",
                    intent=f"clear DND on room {room} (extension {target.extension})")
                return {"dnd": False, "dnd_until": None, "dnd_maybe_on": False}
            case PurgeVoicemail():
                await self._purger.purge(target, change.before)
                return {"voicemail_clear_before": change.before}
            case SetInternational():
                intent = (f"{'allow' if change.allowed else 'block'} international calls "
                          f"from room {room} (extension {target.extension})")
                if target.kind == "user":
                    await api.set_international_calling(tid, change.allowed, intent=intent)
                else:
                    await api.update_common_area(
                        tid, international_calling=change.allowed, intent=intent)
                return {"international_allowed": change.allowed}
            case SetDomestic():
                rules = [CountryRule(iso_code=self._country,
                                     rule=ALLOWED if change.allowed else BLOCKED)]
                intent = (f"{'allow' if change.allowed else 'block'} outside calls "
                          f"from room {room} (extension {target.extension})")
                if target.kind == "user":
                    await api.set_user_country_rules(tid, rules, intent=intent)
                else:
                    await api.set_common_area_country_rules(tid, rules, intent=intent)
                return {"domestic_allowed": change.allowed}
