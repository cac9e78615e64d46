"""The changes the planner asks for: each one Zoom call (a purge: a listing share and deletes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from connector.hotel_time import hotel_time


@dataclass(frozen=True)
class SetUserNames:
    """One PATCH /users/{id}: names and (unless None) the department, together."""

    first_name: str
    last_name: str
    display_name: str
    department: str | None


@dataclass(frozen=True)
class SetCommonAreaName:
    """One PATCH /phone/common_areas/{id}: display name and (unless None) department."""

    display_name: str
    department: str | None


@dataclass(frozen=True)
class SetDnd:
    """Do-not-disturb for `minutes` (Zoom's cap is 1440), i.e. until `until`."""

    minutes: int
    until: datetime


@dataclass(frozen=True)
class ClearDnd:
    """Back to Available."""


@dataclass(frozen=True)
class PurgeVoicemail:
    """Delete every voicemail left before `before`."""

    before: datetime


@dataclass(frozen=True)
class SetInternational:
    allowed: bool


@dataclass(frozen=True)
class SetDomestic:
    allowed: bool


Change = (
    SetUserNames | SetCommonAreaName | SetDnd | ClearDnd | PurgeVoicemail | SetInternational
    | SetDomestic
)


def describe(change: Change, tz: tzinfo = UTC) -> str:
    """A line for `connector plan` and the journal (names only where the caller allows);
    times in `tz`, the hotel's zone, with its label."""
    match change:
        case SetUserNames():
            return "rename the user"
        case SetCommonAreaName():
            return "rename the common area"
        case SetDnd(minutes=minutes, until=until):
            return f"set DND for {minutes} min (until {hotel_time(until, tz)})"
        case ClearDnd():
            return "clear DND (Available)"
        case PurgeVoicemail(before=before):
            return f"delete voicemail left before {hotel_time(before, tz)}"
        case SetInternational(allowed=allowed):
            return f"{'allow' if allowed else 'block'} international calls"
        case SetDomestic(allowed=allowed):
            return f"{'allow' if allowed else 'block'} calls in the hotel's country"
