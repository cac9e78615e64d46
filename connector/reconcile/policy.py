"""The hotel's room policy, from settings and what the Zoom app's scopes allow."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from connector.events.models import ClassOfService
from connector.rooms.department import DepartmentMode
from connector.rooms.naming import parse_template
from connector.rooms.planner import RoomPolicy
from connector.rooms.restriction import Level, RestrictionPolicy, parse_class_levels
from connector.settings import Settings
from connector.settings.model import VacantRestriction
from connector.zoom.catalogue import Feature
from connector.zoom.scopes import ScopeReport


def room_policy(settings: Settings, scopes: ScopeReport | None) -> RoomPolicy:
    rooms = settings.rooms
    vacant = None if rooms.vacant_restriction is VacantRestriction.LEAVE else Level(
        rooms.vacant_restriction.value
    )
    features = frozenset(f for f in Feature if scopes is None or scopes.enabled(f))
    return RoomPolicy(
        occupied_name=parse_template(rooms.occupied_name),
        vacant_name=parse_template(rooms.vacant_name),
        department=DepartmentMode(rooms.department.value),
        department_text=rooms.department_text,
        site_name=settings.hotel.name,
        timezone=ZoneInfo(settings.hotel.timezone),
        restriction=RestrictionPolicy(
            vacant=vacant,
            by_class=parse_class_levels(rooms.class_of_service_levels),
            default_class=ClassOfService(rooms.default_class_of_service),
        ),
        dnd_reassert_before=timedelta(minutes=rooms.dnd_reassert_minutes),
        features=features,
    )
