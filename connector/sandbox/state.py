"""The emulated Zoom account's data, as plain dataclasses. No I/O, no HTTP, no clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Zoom's presence statuses that `PUT /users/{id}/presence_status` accepts (besides DND).
PRESENCE_STATUSES = frozenset({
    "Away", "Available", "In_Calendar_Event", "Presenting", "In_A_Zoom_Meeting",
    "On_A_Call", "Out_of_Office", "Busy",
})
DND = "Do_Not_Disturb"
DND_SPEC_SPELLING = "Do_No_Disturb"  # the spelling in the spec's example and old enums

# Country/region rules: 1 allowed, 2 blocked, 3 needs local number/caller id, 4 needs PIN.
COUNTRIES: dict[str, tuple[str, int]] = {
    "US": ("United States", 1), "CA": ("Canada", 1), "MX": ("Mexico", 52),
    "GB": ("United Kingdom", 44), "FR": ("France", 33), "DE": ("Germany", 49),
    "ES": ("Spain", 34), "IT": ("Italy", 39), "NL": ("Netherlands", 31),
    "CH": ("Switzerland", 41), "JP": ("Japan", 81), "AU": ("Australia", 61),
    "BR": ("Brazil", 55), "IN": ("India", 91), "CN": ("China", 86),
    "CU": ("Cuba", 53),
}


@dataclass(slots=True)
class Site:
    id: str
    name: str


@dataclass(slots=True)
class OutboundPolicy:
    """What a room may dial: the international toggle and per-country rules."""

    international_calling: bool = True
    # Country rules only apply (and can only be edited) with the policy switched on.
    outbound_calling_enabled: bool = True
    country_rules: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class PhoneProfile:
    """A user's Zoom Phone side (the user is licensed for Zoom Phone)."""

    phone_user_id: str
    extension_id: str
    extension_number: int
    site_id: str
    department: str = ""
    cost_center: str = ""
    status: str = "activate"
    calling_plan_type: int = 200
    phone_numbers: list[tuple[str, str]] = field(default_factory=list)  # (id, E.164)
    policy: OutboundPolicy = field(default_factory=OutboundPolicy)


@dataclass(slots=True)
class Presence:
    status: str = "Available"
    dnd_until: datetime | None = None
    last_update: datetime | None = None

    def at(self, now: datetime) -> str:
        """The status Zoom shows at `now`: a timed DND lapses to Available when it ends."""
        if self.status == DND and self.dnd_until is not None and now >= self.dnd_until:
            return "Available"
        return self.status


@dataclass(slots=True)
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    display_name: str
    created_at: datetime
    dept: str = ""
    job_title: str = ""
    type: int = 1
    status: str = "active"
    timezone: str = "America/New_York"
    language: str = "en-US"
    role_id: str = "2"
    # Zoom refuses presence changes for users not signed in to a Zoom client.
    client_signed_in: bool = True
    phone: PhoneProfile | None = None
    presence: Presence = field(default_factory=Presence)


@dataclass(slots=True)
class CommonArea:
    id: str
    display_name: str
    extension_id: str
    extension_number: int
    site_id: str
    department: str = ""
    cost_center: str = ""
    timezone: str = "America/New_York"
    status: str = "online"
    calling_plan_type: int = 200
    phone_numbers: list[tuple[str, str]] = field(default_factory=list)
    policy: OutboundPolicy = field(default_factory=OutboundPolicy)


@dataclass(slots=True)
class SipAccount:
    """One line of a manually provisioned ("Other") device."""

    user_name: str
    authorization_id: str
    password: str
    sip_domain: str
    outbound_proxy: str
    secondary_outbound_proxy: str
    extension_number: int
    display_name: str
    phone_number: str = ""


@dataclass(slots=True)
class Device:
    id: str
    display_name: str
    device_type: str  # yealink, poly, other, ...
    mac_address: str
    site_id: str
    # Ids of the users or common areas whose lines are on this phone.
    assignee_ids: list[str] = field(default_factory=list)
    status: str = "online"
    provision_type: str = "ztp"
    sip_accounts: list[SipAccount] = field(default_factory=list)
    private_ip: str = ""
    public_ip: str = ""


@dataclass(slots=True)
class Voicemail:
    id: str
    owner_type: str  # user | commonArea
    owner_id: str
    call_id: str
    caller_number: str
    caller_name: str
    callee_number: str
    callee_name: str
    date_time: datetime
    duration: int
    status: str = "unread"


@dataclass(frozen=True, slots=True)
class VoicemailDeletion:
    """One `DELETE /phone/voice_mails/{id}` the account was asked for: when, and whether the
    voicemail was still there (False: already gone, answered 404)."""

    voicemail_id: str
    owner_id: str | None  # None when the voicemail was already gone
    at: datetime
    found: bool


@dataclass(slots=True)
class CallRecord:
    """One completed call, as call history shows it. `duration` is the talk time (0 for a
    call nobody answered); the far end rings `ring_seconds` before it answers."""

    id: str
    call_id: str
    direction: str  # inbound | outbound
    owner_type: str  # user | common_area
    owner_id: str
    start_time: datetime
    duration: int
    result: str  # answered, no_answer, voicemail, ...
    caller_number: str
    caller_name: str
    callee_number: str
    callee_name: str
    international: bool = False
    connect_type: str = "external"
    callee_country_iso_code: str = "US"
    call_type: str = "general"  # general | emergency
    call_path_id: str = ""
    ring_seconds: int = 5
    # When Zoom's record of the call exists (some seconds after hang-up): the listing shows
    # the call from then on. None: it always has.
    recorded_at: datetime | None = None

    @property
    def answer_time(self) -> datetime | None:
        if self.result != "answered":
            return None
        return self.start_time + timedelta(seconds=self.ring_seconds)

    @property
    def end_time(self) -> datetime:
        return self.start_time + timedelta(seconds=self.ring_seconds + self.duration)

    def recorded_by(self, now: datetime) -> bool:
        """Whether Zoom's call history has this call at `now`."""
        return self.recorded_at is None or self.recorded_at <= now


@dataclass(slots=True)
class Account:
    """One Zoom account: what the API reads and writes."""

    id: str
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    common_areas: dict[str, CommonArea] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    voicemails: dict[str, Voicemail] = field(default_factory=dict)
    # Every delete asked for, in order, so a test can tell a voicemail deleted twice.
    voicemail_deletions: list[VoicemailDeletion] = field(default_factory=list)
    calls: dict[str, CallRecord] = field(default_factory=dict)

    def find_user(self, user_id: str) -> User | None:
        """Zoom accepts a user id or an email address wherever `{userId}` appears."""
        user = self.users.get(user_id)
        if user is not None:
            return user
        wanted = user_id.lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def find_phone_user(self, user_id: str) -> User | None:
        """A user with Zoom Phone; the phone API also accepts the extension id."""
        user = self.find_user(user_id)
        if user is None:
            user = next(
                (u for u in self.users.values() if u.phone and u.phone.extension_id == user_id),
                None,
            )
        return user if user is not None and user.phone is not None else None

    def find_common_area(self, area_id: str) -> CommonArea | None:
        """By common-area id or extension id, as Zoom accepts both."""
        area = self.common_areas.get(area_id)
        if area is not None:
            return area
        return next((a for a in self.common_areas.values() if a.extension_id == area_id), None)

    def owner_of_extension(self, extension_number: int) -> User | CommonArea | None:
        for user in self.users.values():
            if user.phone is not None and user.phone.extension_number == extension_number:
                return user
        for area in self.common_areas.values():
            if area.extension_number == extension_number:
                return area
        return None

    def devices_of(self, owner_id: str) -> list[Device]:
        return [d for d in self.devices.values() if owner_id in d.assignee_ids]
