"""Typed views of what Zoom returns; only the fields the connector reads, the rest ignored."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr


class _ZoomModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Site(_ZoomModel):
    id: str | None = None
    name: str | None = None


class ZoomUser(_ZoomModel):
    """`GET /users` item: a Zoom user's names (a room can be one)."""

    id: str
    email: str | None = None
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    dept: str = ""
    type: int | None = None
    status: str | None = None


class PhoneUser(_ZoomModel):
    """`GET /phone/users` item: a user's Zoom Phone extension."""

    id: str
    email: str | None = None
    name: str = ""
    extension_id: str | None = None
    extension_number: int | None = None
    department: str | None = None
    site: Site | None = None
    status: str | None = None


class Assignee(_ZoomModel):
    id: str | None = None
    name: str | None = None
    extension_number: int | None = None
    extension_type: str | None = None


class PhoneDevice(_ZoomModel):
    """`GET /phone/devices` item."""

    id: str
    display_name: str = ""
    device_type: str | None = None
    mac_address: str | None = None
    status: str | None = None
    assignee: Assignee | None = None
    assignees: list[Assignee] = Field(default_factory=list)
    site: Site | None = None

    def extension_numbers(self) -> set[int]:
        people = [*self.assignees, *([self.assignee] if self.assignee else [])]
        return {a.extension_number for a in people if a.extension_number is not None}


class SipAccount(_ZoomModel):
    """A manual-provision SIP line of an "Other" device (the connector's wake-up lines)."""

    sip_domain: str | None = None
    outbound_proxy: str | None = None
    secondary_outbound_proxy: str | None = None
    user_name: str | None = None
    authorization_id: str | None = None
    password: SecretStr | None = None


class Provision(_ZoomModel):
    type: str | None = None
    url: str | None = None
    sip_accounts: list[SipAccount] = Field(default_factory=list)


class PhoneDeviceDetail(PhoneDevice):
    """`GET /phone/devices/{id}`: adds provisioning data."""

    provision: Provision | None = None


class DeskPhone(_ZoomModel):
    id: str
    display_name: str = ""
    device_type: str | None = None
    status: str | None = None


class CommonArea(_ZoomModel):
    """`GET /phone/common_areas` item: a shared phone (a room can be one)."""

    id: str
    display_name: str = ""
    extension_number: int | None = None
    site: Site | None = None
    status: str | None = None
    desk_phones: list[DeskPhone] = Field(default_factory=list)


class VoicemailOwner(_ZoomModel):
    id: str | None = None
    type: str | None = None
    name: str | None = None
    extension_number: int | None = None


class Voicemail(_ZoomModel):
    """A voicemail; `owner` is only present in the account-wide listing."""

    id: str
    date_time: str | None = None
    duration: int | None = None
    status: str | None = None
    caller_number: str | None = None
    owner: VoicemailOwner | None = None


class CountryRule(_ZoomModel):
    """Outbound calling rule for one country or region."""

    iso_code: str
    rule: int  # 1 allowed, 2 blocked, 3 requires local number/caller id/plan, 4 requires PIN
    name: str | None = None


class CallRecord(_ZoomModel):
    """A call history row (call accounting)."""

    # The account listing names it `call_history_uuid`; the per-user one `id`.
    id: str = Field(validation_alias=AliasChoices("id", "call_history_uuid"))
    call_id: str | None = None
    direction: str | None = None
    international: bool | None = None
    start_time: str | None = None
    answer_time: str | None = None
    end_time: str | None = None
    duration: int | None = None
    call_result: str | None = None
    caller_ext_number: str | None = None
    caller_did_number: str | None = None
    callee_ext_number: str | None = None
    callee_did_number: str | None = None
    callee_country_iso_code: str | None = None


PresenceStatus = Literal["Available", "Do_Not_Disturb", "Away", "Busy"]
