"""Typed Zoom endpoint calls: one line of intent each, on top of `ZoomClient`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date
from typing import Any

from connector.zoom.catalogue import endpoint
from connector.zoom.client import ZoomClient
from connector.zoom.errors import FeatureDisabled, UserRateLimited
from connector.zoom.models import (
    CallRecord,
    CommonArea,
    CountryRule,
    PhoneDevice,
    PhoneDeviceDetail,
    PhoneUser,
    PresenceStatus,
    Voicemail,
    ZoomUser,
)
from connector.zoom.presence_guard import PresenceGuard

MAX_DND_MINUTES = 1440  # Zoom caps one Do-Not-Disturb at 24 hours

# The call charges report's largest page, as its description gives it (its schema has none).
CALL_CHARGES_PAGE_SIZE = 300


def _fields(**values: Any) -> dict[str, Any]:
    """Only the fields the caller set: a PATCH must not blank what it does not mention."""
    return {k: v for k, v in values.items() if v is not None}


def _dates(start: date | None, end: date | None) -> dict[str, str]:
    return _fields(**{"from": start and start.isoformat(), "to": end and end.isoformat()})


class ZoomApi:
    """The calls the connector makes, each named for what it does."""

    def __init__(self, client: ZoomClient) -> None:
        self.client = client
        self.presence = PresenceGuard(client.clock)

    # Users -------------------------------------------------------------------------------

    async def list_users(self) -> list[ZoomUser]:
        return [user async for user in self.iter_users()]

    async def iter_users(self) -> AsyncIterator[ZoomUser]:
        """The account's active users one by one, as their pages arrive: a caller keeping
        only what it needs holds one page at a time, never the whole listing."""
        async for item in self.client.paginate(
                endpoint("list_users"), intent="list the account's users",
                params={"status": "active"}):
            yield ZoomUser.model_validate(item)

    async def get_user(self, user_id: str, *, intent: str | None = None) -> ZoomUser:
        body = await self.client.request(
            endpoint("get_user"), path={"userId": user_id},
            intent=intent or f"read user {user_id}")
        return ZoomUser.model_validate(body)

    async def update_user(
        self,
        user_id: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        display_name: str | None = None,
        dept: str | None = None,
        intent: str | None = None,
    ) -> None:
        body = _fields(first_name=first_name, last_name=last_name,
                       display_name=display_name, dept=dept)
        await self.client.request(
            endpoint("update_user"), path={"userId": user_id}, json=body,
            intent=intent or f"rename user {user_id}")

    async def set_presence(
        self,
        user_id: str,
        status: PresenceStatus,
        *,
        duration_minutes: int | None = None,
        intent: str | None = None,
    ) -> float:
        """Set a user's presence (DND with a duration of at most 1440 minutes).

        Zoom takes one update per user per minute: a second one waits for the minute to pass
        instead of being refused. Returns the seconds it waited."""
        if duration_minutes is not None and not 1 <= duration_minutes <= MAX_DND_MINUTES:
            raise ValueError(f"DND duration must be 1..{MAX_DND_MINUTES} minutes")
        body = _fields(status=status, duration=duration_minutes)
        async with self.presence.lock(user_id):
            waited = await self.presence.wait_turn(user_id)
            try:
                await self.client.request(
                    endpoint("set_presence"), path={"userId": user_id}, json=body,
                    intent=intent or f"set user {user_id} to {status}")
            except FeatureDisabled:
                raise  # nothing reached Zoom: the user's minute has not started
            except UserRateLimited as error:
                self.presence.sent(user_id, error.retry_after)  # Zoom's minute is running
                raise
            except BaseException:
                self.presence.sent(user_id)  # it may have reached Zoom: keep its minute
                raise
            self.presence.sent(user_id)
        return waited

    # Phone users -------------------------------------------------------------------------

    async def list_phone_users(self) -> list[PhoneUser]:
        return [user async for user in self.iter_phone_users()]

    async def iter_phone_users(self) -> AsyncIterator[PhoneUser]:
        """The account's phone users one by one, as their pages arrive."""
        async for item in self.client.paginate(
                endpoint("list_phone_users"), intent="list the account's phone users"):
            yield PhoneUser.model_validate(item)

    async def get_phone_user(self, user_id: str, *, intent: str | None = None) -> dict[str, Any]:
        body = await self.client.request(
            endpoint("get_phone_user"), path={"userId": user_id},
            intent=intent or f"read phone user {user_id}")
        return dict(body or {})

    async def set_international_calling(
        self, user_id: str, allowed: bool, *, intent: str | None = None
    ) -> None:
        await self.client.request(
            endpoint("update_phone_user"), path={"userId": user_id},
            json={"policy": {"international_calling": allowed}},
            intent=intent or f"{'allow' if allowed else 'block'} international calls "
                             f"for user {user_id}")

    # Devices -----------------------------------------------------------------------------

    async def list_devices(
        self, *, assigned: bool = True, device_type: str | None = None
    ) -> list[PhoneDevice]:
        return [device async for device in self.iter_devices(assigned=assigned,
                                                             device_type=device_type)]

    async def iter_devices(
        self, *, assigned: bool = True, device_type: str | None = None
    ) -> AsyncIterator[PhoneDevice]:
        """The account's phones one by one, as their pages arrive."""
        params = _fields(type="assigned" if assigned else "unassigned", device_type=device_type)
        async for item in self.client.paginate(
                endpoint("list_devices"), params=params, intent="list the account's phones"):
            yield PhoneDevice.model_validate(item)

    async def get_device(self, device_id: str, *, intent: str | None = None) -> PhoneDeviceDetail:
        body = await self.client.request(
            endpoint("get_device"), path={"deviceId": device_id},
            intent=intent or f"read device {device_id}")
        return PhoneDeviceDetail.model_validate(body)

    async def rename_device(
        self, device_id: str, display_name: str, *, intent: str | None = None
    ) -> None:
        await self.client.request(
            endpoint("update_device"), path={"deviceId": device_id},
            json={"display_name": display_name},
            intent=intent or f"rename device {device_id}")

    # Common areas ------------------------------------------------------------------------

    async def list_common_areas(self) -> list[CommonArea]:
        return [area async for area in self.iter_common_areas()]

    async def iter_common_areas(self) -> AsyncIterator[CommonArea]:
        """The account's common areas one by one, as their pages arrive."""
        async for item in self.client.paginate(
                endpoint("list_common_areas"), intent="list the account's common areas"):
            yield CommonArea.model_validate(item)

    async def get_common_area(
        self, common_area_id: str, *, intent: str | None = None
    ) -> dict[str, Any]:
        body = await self.client.request(
            endpoint("get_common_area"), path={"commonAreaId": common_area_id},
            intent=intent or f"read common area {common_area_id}")
        return dict(body or {})

    async def update_common_area(
        self,
        common_area_id: str,
        *,
        display_name: str | None = None,
        department: str | None = None,
        international_calling: bool | None = None,
        intent: str | None = None,
    ) -> None:
        policy = (
            None if international_calling is None
            else {"international_calling": {"enable": international_calling}}
        )
        body = _fields(display_name=display_name, department=department, policy=policy)
        await self.client.request(
            endpoint("update_common_area"), path={"commonAreaId": common_area_id}, json=body,
            intent=intent or f"update common area {common_area_id}")

    # Voicemail ---------------------------------------------------------------------------

    async def list_user_voicemails(
        self,
        user_id: str,
        *,
        start: date | None = None,
        end: date | None = None,
        intent: str | None = None,
    ) -> list[Voicemail]:
        return [Voicemail.model_validate(item) async for item in self.client.paginate(
            endpoint("list_user_voicemails"), path={"userId": user_id},
            params={"status": "all", **_dates(start, end)},
            intent=intent or f"list voicemails of user {user_id}")]

    async def list_account_voicemails(
        self,
        *,
        owner_type: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Voicemail]:
        """Every voicemail on the account (Heavy: counts against the daily budget)."""
        params = {"status": "all", **_fields(owner_type=owner_type), **_dates(start, end)}
        return [Voicemail.model_validate(item) async for item in self.client.paginate(
            endpoint("list_account_voicemails"), params=params,
            intent="list the account's voicemails")]

    async def delete_voicemail(self, voicemail_id: str, *, intent: str | None = None) -> None:
        await self.client.request(
            endpoint("delete_voicemail"), path={"voicemailId": voicemail_id},
            intent=intent or f"delete voicemail {voicemail_id}")

    # Outbound calling rules --------------------------------------------------------------

    async def get_user_country_rules(
        self, user_id: str, *, intent: str | None = None
    ) -> list[CountryRule]:
        return [CountryRule.model_validate(item) async for item in self.client.paginate(
            endpoint("get_user_outbound_countries"), path={"userId": user_id},
            intent=intent or f"read outbound rules of user {user_id}")]

    async def set_user_country_rules(
        self, user_id: str, rules: Sequence[CountryRule], *, intent: str | None = None
    ) -> None:
        await self.client.request(
            endpoint("update_user_outbound_countries"), path={"userId": user_id},
            json={"country_regions": [{"iso_code": r.iso_code, "rule": r.rule} for r in rules]},
            intent=intent or f"change outbound rules of user {user_id}")

    async def get_common_area_country_rules(
        self, common_area_id: str, *, intent: str | None = None
    ) -> list[CountryRule]:
        return [CountryRule.model_validate(item) async for item in self.client.paginate(
            endpoint("get_common_area_outbound_countries"),
            path={"commonAreaId": common_area_id},
            intent=intent or f"read outbound rules of common area {common_area_id}")]

    async def set_common_area_country_rules(
        self, common_area_id: str, rules: Sequence[CountryRule], *, intent: str | None = None
    ) -> None:
        await self.client.request(
            endpoint("update_common_area_outbound_countries"),
            path={"commonAreaId": common_area_id},
            json={"country_regions": [{"iso_code": r.iso_code, "rule": r.rule} for r in rules]},
            intent=intent or f"change outbound rules of common area {common_area_id}")

    # Call history ------------------------------------------------------------------------

    async def list_account_call_history(
        self, *, start: date | None = None, end: date | None = None
    ) -> list[CallRecord]:
        """The account's call history (Heavy: counts against the daily budget)."""
        return [CallRecord.model_validate(item) async for item in self.client.paginate(
            endpoint("list_account_call_history"), params=_dates(start, end),
            intent="read the account's call history")]

    async def list_user_call_history(
        self, user_id: str, *, start: date | None = None, end: date | None = None
    ) -> list[CallRecord]:
        return [CallRecord.model_validate(item) async for item in self.client.paginate(
            endpoint("list_user_call_history"), path={"userId": user_id},
            params=_dates(start, end), intent=f"read call history of user {user_id}")]

    async def call_history_page(
        self, query: Mapping[str, str | Sequence[str]], *, intent: str | None = None
    ) -> dict[str, Any]:
        """One page of the account's call history, as Zoom sends it (Heavy: counts against
        the daily budget). The caller pages with `next_page_token`, so it can count and stop
        between pages."""
        body = await self.client.request(
            endpoint("list_account_call_history"),
            params={**query, "page_size": endpoint("list_account_call_history").max_page_size},
            intent=intent or "read a page of the account's call history")
        return dict(body or {})

    async def call_charges_page(
        self, query: Mapping[str, str], *, intent: str | None = None
    ) -> dict[str, Any]:
        """One page of Zoom's call charges report (Heavy: counts against the daily budget),
        as Zoom sends it; the caller pages with `next_page_token`."""
        body = await self.client.request(
            endpoint("get_call_charges"),
            params={**query, "page_size": CALL_CHARGES_PAGE_SIZE},
            intent=intent or "read a page of Zoom's call charges report")
        return dict(body or {})
