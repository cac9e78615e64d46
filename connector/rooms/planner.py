"""The planner: (desired state, what we know of Zoom) → the fewest changes that close the gap.

Pure: no I/O, no clock (`now` is an argument). When Zoom already matches, the plan is empty.
`recheck_at` says when the plan will change by itself (a DND to re-assert before Zoom's
24-hour cap lapses, or one that ends), so the reconciler can come back then.
"""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

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
from connector.rooms.department import DepartmentMode, department_for
from connector.rooms.known import KnownZoom
from connector.rooms.naming import DEFAULT_OCCUPIED, DEFAULT_VACANT, Template, parse_template
from connector.rooms.naming import room_names as render_room_names
from connector.rooms.restriction import RestrictionPolicy
from connector.rooms.state import RoomState
from connector.zoom.catalogue import Feature

MAX_DND_MINUTES = 1440


@dataclass(frozen=True)
class Target:
    """The Zoom user or common area that is the room's phone."""

    kind: Literal["user", "common_area"]
    id: str
    extension: str


@dataclass(frozen=True)
class RoomPolicy:
    """The hotel's choices, from settings."""

    occupied_name: Template = field(default_factory=lambda: parse_template(DEFAULT_OCCUPIED))
    vacant_name: Template = field(default_factory=lambda: parse_template(DEFAULT_VACANT))
    department: DepartmentMode = DepartmentMode.DISABLED
    department_text: str = ""
    site_name: str = ""
    timezone: tzinfo = UTC
    restriction: RestrictionPolicy = field(default_factory=RestrictionPolicy)
    # Re-assert DND this long before the Zoom-side DND would lapse.
    dnd_reassert_before: timedelta = timedelta(hours=1)
    features: Set[Feature] = frozenset(Feature)


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...] = ()
    recheck_at: datetime | None = None


def plan(
    desired: RoomState, known: KnownZoom, target: Target, policy: RoomPolicy, now: datetime
) -> Plan:
    """The changes that make Zoom show `desired`, given what we know Zoom shows."""
    changes: list[Change] = []
    changes += _names(desired, known, target, policy)
    dnd_changes, recheck_at = _dnd(desired, known, target, policy, now)
    changes += dnd_changes
    changes += _voicemail(desired, known, target, policy)
    changes += _restriction(desired, known, target, policy)
    return Plan(tuple(changes), recheck_at)


def _names(
    desired: RoomState, known: KnownZoom, target: Target, policy: RoomPolicy
) -> list[Change]:
    if target.kind == "common_area" and Feature.COMMON_AREAS not in policy.features:
        return []
    names = render_room_names(
        desired, target.extension, occupied=policy.occupied_name, vacant=policy.vacant_name
    )
    department = department_for(
        desired, mode=policy.department, text=policy.department_text,
        site_name=policy.site_name, tz=policy.timezone,
    )
    department_differs = department is not None and department != known.department
    if target.kind == "common_area":
        if names.display_name != known.display_name or department_differs:
            return [SetCommonAreaName(names.display_name, department)]
        return []
    if (names.first_name, names.last_name, names.display_name) != (
        known.first_name, known.last_name, known.display_name
    ) or department_differs:
        return [SetUserNames(names.first_name, names.last_name, names.display_name, department)]
    return []


def _dnd(
    desired: RoomState, known: KnownZoom, target: Target, policy: RoomPolicy, now: datetime
) -> tuple[list[Change], datetime | None]:
    # Zoom's DND is a presence status, which only users have.
    if target.kind != "user" or Feature.DND not in policy.features:
        return [], None
    zoom_dnd_until = known.dnd_until if known.dnd else None
    zoom_in_dnd = zoom_dnd_until is not None and zoom_dnd_until > now
    wish = desired.dnd
    if not (desired.occupied and wish.active(now)):
        # Clear what we set, or may have set (a DND whose answer a crash lost); unknown
        # (None) is taken as not DND: we did not set it.
        return ([ClearDnd()] if zoom_in_dnd or known.dnd_maybe_on else []), None
    wanted_until = wish.until
    reassert_at = (zoom_dnd_until - policy.dnd_reassert_before) if zoom_dnd_until else None
    covers_wish = zoom_in_dnd and wanted_until is not None and zoom_dnd_until is not None and (
        zoom_dnd_until >= wanted_until
    )
    if zoom_in_dnd and (covers_wish or (reassert_at is not None and now < reassert_at)):
        # Zoom's DND holds for now: come back to re-assert it, or when the wish ends.
        recheck = wanted_until if covers_wish else reassert_at
        return [], recheck
    remaining = (wanted_until - now) if wanted_until else timedelta(minutes=MAX_DND_MINUTES)
    minutes = max(1, min(MAX_DND_MINUTES, math.ceil(remaining.total_seconds() / 60)))
    until = now + timedelta(minutes=minutes)
    recheck = wanted_until if wanted_until and until >= wanted_until else (
        until - policy.dnd_reassert_before
    )
    return [SetDnd(minutes, until)], recheck


def _voicemail(
    desired: RoomState, known: KnownZoom, target: Target, policy: RoomPolicy
) -> list[Change]:
    if Feature.VOICEMAIL_PURGE not in policy.features or desired.no_voicemail_before is None:
        return []
    done = known.voicemail_clear_before
    if done is not None and done >= desired.no_voicemail_before:
        return []
    return [PurgeVoicemail(desired.no_voicemail_before)]


def _restriction(
    desired: RoomState, known: KnownZoom, target: Target, policy: RoomPolicy
) -> list[Change]:
    feature = (Feature.OUTBOUND_RESTRICTION if target.kind == "user"
               else Feature.COMMON_AREA_RESTRICTION)
    if feature not in policy.features:
        return []
    level = policy.restriction.level(desired.occupied, desired.effective_class_of_service())
    if level is None:
        return []
    changes: list[Change] = []
    if known.international_allowed != level.international_allowed:
        changes.append(SetInternational(level.international_allowed))
    if known.domestic_allowed != level.domestic_allowed:
        changes.append(SetDomestic(level.domestic_allowed))
    return changes
