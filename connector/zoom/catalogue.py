"""Every Zoom endpoint the connector calls, with Zoom's own rate-limit label and scopes.

One table, so that a test can hold it against Zoom's published specs
(`tests/zoom_specs/`) and the limiter, the scope check and the sandbox all read
the same facts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Family(enum.StrEnum):
    """Zoom keeps separate rate-limit tables for the Phone API and everything else."""

    USERS = "users"
    PHONE = "phone"


class Category(enum.StrEnum):
    """Zoom's "Rate Limit Label"."""

    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"
    RESOURCE_INTENSIVE = "resource_intensive"


class Feature(enum.StrEnum):
    """What the connector can do; each needs the scopes of its endpoints."""

    CORE = "core"
    DND = "dnd"
    VOICEMAIL_PURGE = "voicemail_purge"
    COMMON_AREAS = "common_areas"
    DEVICE_NAMES = "device_names"
    OUTBOUND_RESTRICTION = "outbound_restriction"
    COMMON_AREA_RESTRICTION = "common_area_restriction"
    CALL_HISTORY = "call_history"
    CALL_CHARGES = "call_charges"


FEATURE_DESCRIPTIONS: dict[Feature, str] = {
    Feature.CORE: "room names and the extension directory",
    Feature.DND: "do-not-disturb from the PMS (presence status)",
    Feature.VOICEMAIL_PURGE: "voicemail purge at check-out and check-in",
    Feature.COMMON_AREAS: "rooms that are common-area phones (names, departments)",
    Feature.DEVICE_NAMES: "desk-phone display names",
    Feature.OUTBOUND_RESTRICTION: "outbound call restriction for rooms that are users",
    Feature.COMMON_AREA_RESTRICTION: "outbound call restriction for common-area rooms",
    Feature.CALL_HISTORY: "call accounting from Zoom call history",
    Feature.CALL_CHARGES: "Zoom's carrier charges, for tariff classes that mark them up",
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One Zoom operation as the connector uses it."""

    name: str
    method: str
    path: str
    family: Family
    category: Category
    feature: Feature
    # Any one of these scopes grants the call (Zoom lists granular and macro alternatives).
    granular_scopes: tuple[str, ...]
    macro_scopes: tuple[str, ...]
    # For list endpoints: the largest page Zoom allows, which is what we always ask for.
    max_page_size: int | None = None
    # Field holding the items in a list response.
    items_field: str | None = None

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.granular_scopes) | frozenset(self.macro_scopes)

    @property
    def admin_scope(self) -> str:
        """The scope to ask a hotel's admin to add: the account-wide granular one."""
        admin = [s for s in self.granular_scopes if s.endswith(":admin")]
        return admin[0] if admin else self.granular_scopes[0]

    def url_path(self, **params: str) -> str:
        """The path with its `{placeholders}` filled in (ids are URL-quoted)."""
        from urllib.parse import quote

        return self.path.format(**{k: quote(str(v), safe="@") for k, v in params.items()})


_U, _P = Family.USERS, Family.PHONE
_L, _M, _H = Category.LIGHT, Category.MEDIUM, Category.HEAVY

_PHONE_READ = ("phone:read:admin",)
_PHONE_WRITE = ("phone:write:admin",)

ENDPOINTS: tuple[Endpoint, ...] = (
    # Users API
    Endpoint("list_users", "GET", "/users", _U, _M, Feature.CORE,
             ("user:read:list_users:admin",),
             ("user:read", "user:write", "user:read:admin", "user:write:admin"),
             max_page_size=2000, items_field="users"),
    Endpoint("get_user", "GET", "/users/{userId}", _U, _L, Feature.CORE,
             ("user:read:user", "user:read:user:admin"),
             ("user:read", "user:write", "user:read:admin", "user:write:admin",
              "user_profile", "user_info:read")),
    Endpoint("update_user", "PATCH", "/users/{userId}", _U, _L, Feature.CORE,
             ("user:update:user", "user:update:user:admin"),
             ("user:write:admin", "user:write")),
    Endpoint("set_presence", "PUT", "/users/{userId}/presence_status", _U, _M, Feature.DND,
             ("user:update:presence_status", "user:update:presence_status:admin"),
             ("user:write", "user:write:admin")),
    # Phone users
    Endpoint("list_phone_users", "GET", "/phone/users", _P, _M, Feature.CORE,
             ("phone:read:list_users:admin",), _PHONE_READ,
             max_page_size=100, items_field="users"),
    Endpoint("get_phone_user", "GET", "/phone/users/{userId}", _P, _L,
             Feature.OUTBOUND_RESTRICTION,
             ("phone:read:user", "phone:read:user:admin"), ("phone:read", "phone:read:admin")),
    Endpoint("update_phone_user", "PATCH", "/phone/users/{userId}", _P, _L,
             Feature.OUTBOUND_RESTRICTION,
             ("phone:update:user", "phone:update:user:admin"),
             ("phone:write", "phone:write:admin")),
    # Devices
    Endpoint("list_devices", "GET", "/phone/devices", _P, _M, Feature.CORE,
             ("phone:read:list_devices:admin",), _PHONE_READ,
             max_page_size=300, items_field="devices"),
    Endpoint("get_device", "GET", "/phone/devices/{deviceId}", _P, _L, Feature.CORE,
             ("phone:read:device:admin",), _PHONE_READ),
    Endpoint("update_device", "PATCH", "/phone/devices/{deviceId}", _P, _L,
             Feature.DEVICE_NAMES, ("phone:update:device:admin",), _PHONE_WRITE),
    # Common areas
    Endpoint("list_common_areas", "GET", "/phone/common_areas", _P, _M, Feature.COMMON_AREAS,
             ("phone:read:common_area:admin",), _PHONE_READ,
             max_page_size=100, items_field="common_areas"),
    Endpoint("get_common_area", "GET", "/phone/common_areas/{commonAreaId}", _P, _L,
             Feature.COMMON_AREAS, ("phone:read:common_area:admin",), _PHONE_READ),
    Endpoint("update_common_area", "PATCH", "/phone/common_areas/{commonAreaId}", _P, _L,
             Feature.COMMON_AREAS, ("phone:update:common_area:admin",), _PHONE_WRITE),
    # Voicemail
    Endpoint("list_user_voicemails", "GET", "/phone/users/{userId}/voice_mails", _P, _M,
             Feature.VOICEMAIL_PURGE,
             ("phone:read:list_voicemails", "phone:read:list_voicemails:admin"),
             ("phone:read", "phone:read:admin", "phone_voicemail:read",
              "phone_voicemail:read:admin"),
             max_page_size=300, items_field="voice_mails"),
    Endpoint("list_account_voicemails", "GET", "/phone/voice_mails", _P, _H,
             Feature.VOICEMAIL_PURGE, ("phone:read:list_voicemails:admin",),
             ("phone:read:admin", "phone_voicemail:read:admin"),
             max_page_size=300, items_field="voice_mails"),
    Endpoint("delete_voicemail", "DELETE", "/phone/voice_mails/{voicemailId}", _P, _L,
             Feature.VOICEMAIL_PURGE,
             ("phone:delete:voicemail", "phone:delete:voicemail:admin"),
             ("phone:write:admin", "phone:write", "phone_voicemail:write",
              "phone_voicemail:write:admin")),
    # Outbound calling rules
    Endpoint("get_user_outbound_countries",
             "GET", "/phone/users/{userId}/outbound_calling/countries_regions", _P, _L,
             Feature.OUTBOUND_RESTRICTION, ("phone:read:user_outbound_calling_rule:admin",),
             _PHONE_READ, max_page_size=300, items_field="countries_regions"),
    Endpoint("update_user_outbound_countries",
             "PATCH", "/phone/users/{userId}/outbound_calling/countries_regions", _P, _L,
             Feature.OUTBOUND_RESTRICTION, ("phone:update:user_outbound_calling_rule:admin",),
             _PHONE_WRITE),
    Endpoint("get_common_area_outbound_countries",
             "GET", "/phone/common_areas/{commonAreaId}/outbound_calling/countries_regions",
             _P, _L, Feature.COMMON_AREA_RESTRICTION,
             ("phone:read:common_area_outbound_calling_rule:admin",), _PHONE_READ,
             max_page_size=300, items_field="countries_regions"),
    Endpoint("update_common_area_outbound_countries",
             "PATCH", "/phone/common_areas/{commonAreaId}/outbound_calling/countries_regions",
             _P, _L, Feature.COMMON_AREA_RESTRICTION,
             ("phone:update:common_area_outbound_calling_rule:admin",), _PHONE_WRITE),
    # Call history (call accounting)
    Endpoint("list_account_call_history", "GET", "/phone/call_history", _P, _H,
             Feature.CALL_HISTORY, ("phone:read:list_call_logs:admin",),
             ("phone:read:admin", "phone_call_log:read:admin"),
             # `call_logs` is the deprecated form of the same rows.
             max_page_size=300, items_field="call_history"),
    Endpoint("list_user_call_history", "GET", "/phone/users/{userId}/call_history", _P, _M,
             Feature.CALL_HISTORY,
             ("phone:read:list_call_logs:admin", "phone:read:list_call_logs"),
             ("phone:read:admin", "phone_call_log:read"),
             max_page_size=300, items_field="call_logs"),
    # Zoom's carrier charge per call, for a tariff class that marks it up. Its spec states
    # no maximum page size (its text says 300: `ZoomApi.call_charges_page` asks for that).
    Endpoint("get_call_charges", "GET", "/phone/reports/call_charges", _P, _H,
             Feature.CALL_CHARGES, ("phone:read:call_charges:admin",), ("phone:read:admin",),
             items_field="call_charges"),
)

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}


def endpoint(name: str) -> Endpoint:
    """Look up an endpoint by its name in the catalogue."""
    return BY_NAME[name]
