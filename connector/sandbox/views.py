"""The JSON Zoom answers with, built from the account's dataclasses. Pure functions.

Field names and types follow Zoom's specs (`tests/zoom_specs/`); the sandbox test
suite validates every answer against them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connector.sandbox.state import (
    COUNTRIES,
    Account,
    CallRecord,
    CommonArea,
    Device,
    OutboundPolicy,
    User,
    Voicemail,
)

CALLING_PLAN_NAMES = {200: "US/CA Unlimited Calling Plan"}


def iso(when: datetime) -> str:
    """Zoom's timestamp form: `2026-03-02T09:00:00Z`."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _site(account: Account, site_id: str) -> dict[str, str]:
    site = account.sites[site_id]
    return {"id": site.id, "name": site.name}


# -- Users API ---------------------------------------------------------------------------


def user_list_item(user: User) -> dict[str, Any]:
    return {
        "id": user.id, "email": user.email, "first_name": user.first_name,
        "last_name": user.last_name, "display_name": user.display_name, "dept": user.dept,
        "type": user.type, "status": user.status, "timezone": user.timezone,
        "role_id": user.role_id, "verified": 1,
        "user_created_at": iso(user.created_at), "created_at": iso(user.created_at),
    }


def user_detail(account: Account, user: User) -> dict[str, Any]:
    return user_list_item(user) | {
        "account_id": account.id, "job_title": user.job_title, "language": user.language,
        "role_name": "Member" if user.role_id == "2" else "Admin",
    }


# -- Phone users -------------------------------------------------------------------------


def _calling_plans(plan_type: int, *, named: bool = True) -> list[dict[str, Any]]:
    plan: dict[str, Any] = {"type": plan_type}
    if named:
        plan["name"] = CALLING_PLAN_NAMES.get(plan_type, "Calling Plan")
    return [plan]


def phone_user_list_item(account: Account, user: User) -> dict[str, Any]:
    phone = user.phone
    assert phone is not None
    return {
        "id": user.id, "phone_user_id": phone.phone_user_id,
        "extension_id": phone.extension_id, "extension_number": phone.extension_number,
        "email": user.email, "name": user.display_name, "site": _site(account, phone.site_id),
        "calling_plans": _calling_plans(phone.calling_plan_type),
        "phone_numbers": [{"id": i, "number": n} for i, n in phone.phone_numbers],
        "status": phone.status, "activation_status": "activated",
        "department": phone.department, "cost_center": phone.cost_center,
    }


def _outbound(policy: OutboundPolicy) -> dict[str, bool]:
    return {"enable": policy.outbound_calling_enabled, "locked": False, "modified": True}


def phone_user_detail(user: User) -> dict[str, Any]:
    phone = user.phone
    assert phone is not None
    return {
        "id": user.id, "phone_user_id": phone.phone_user_id,
        "extension_id": phone.extension_id, "extension_number": phone.extension_number,
        "email": user.email, "site_id": phone.site_id, "status": phone.status,
        "department": phone.department, "cost_center": phone.cost_center,
        "calling_plans": _calling_plans(phone.calling_plan_type, named=False),
        "phone_numbers": [{"id": i, "number": n} for i, n in phone.phone_numbers],
        "policy": {
            "international_calling": phone.policy.international_calling,
            "outbound_calling": _outbound(phone.policy),
        },
    }


# -- Devices -----------------------------------------------------------------------------


def _assignees(account: Account, device: Device) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for owner_id in device.assignee_ids:
        user = account.users.get(owner_id)
        if user is not None and user.phone is not None:
            out.append({
                "id": user.id, "name": user.display_name, "extension_type": "user",
                "extension_number": user.phone.extension_number,
                "extension_id": user.phone.extension_id,
            })
            continue
        area = account.common_areas.get(owner_id)
        if area is not None:
            out.append({
                "id": area.id, "name": area.display_name, "extension_type": "commonArea",
                "extension_number": area.extension_number, "extension_id": area.extension_id,
            })
    return out


def device_list_item(account: Account, device: Device) -> dict[str, Any]:
    assignees = _assignees(account, device)
    item: dict[str, Any] = {
        "id": device.id, "display_name": device.display_name,
        "device_type": device.device_type, "mac_address": device.mac_address,
        "status": device.status, "site": _site(account, device.site_id),
        "assignees": assignees, "private_ip": device.private_ip,
        "public_ip": device.public_ip,
        "policy": {"call_control": {"status": "unsupported"},
                   "hot_desking": {"status": "off"}},
    }
    if assignees:
        item["assignee"] = {k: v for k, v in assignees[0].items() if k != "extension_id"}
    return item


def device_detail(account: Account, device: Device) -> dict[str, Any]:
    provision: dict[str, Any] = {"type": device.provision_type}
    if device.provision_type == "manual":
        provision["sip_accounts"] = [
            {
                "sip_domain": s.sip_domain, "outbound_proxy": s.outbound_proxy,
                "secondary_outbound_proxy": s.secondary_outbound_proxy,
                "user_name": s.user_name, "authorization_id": s.authorization_id,
                "password": s.password,
                "shared_line": {
                    "line_subscription": {
                        "extension_number": s.extension_number,
                        "display_name": s.display_name, "phone_number": s.phone_number,
                    },
                    "alias": s.display_name, "outbound_caller_id": s.phone_number,
                },
            }
            for s in device.sip_accounts
        ]
    else:
        provision["url"] = f"https://provpp.zoom.us/api/v2/pbx/provisioning/{device.device_type}"
    return device_list_item(account, device) | {"provision": provision}


# -- Common areas ------------------------------------------------------------------------


def common_area_list_item(account: Account, area: CommonArea) -> dict[str, Any]:
    return {
        "id": area.id, "display_name": area.display_name,
        "extension_number": area.extension_number,
        "calling_plans": _calling_plans(area.calling_plan_type),
        "phone_numbers": [{"id": i, "number": n, "source": "internal"}
                          for i, n in area.phone_numbers],
        "site": _site(account, area.site_id), "status": area.status,
        "desk_phones": [
            {"id": d.id, "display_name": d.display_name, "device_type": d.device_type,
             "status": d.status}
            for d in account.devices_of(area.id)
        ],
    }


def common_area_detail(account: Account, area: CommonArea) -> dict[str, Any]:
    return {
        "id": area.id, "display_name": area.display_name,
        "extension_number": area.extension_number, "department": area.department,
        "cost_center": area.cost_center, "site": _site(account, area.site_id),
        "calling_plans": _calling_plans(area.calling_plan_type),
        "phone_numbers": [{"id": i, "number": n, "source": "internal"}
                          for i, n in area.phone_numbers],
        "country": {"code": "US", "country_code": "1", "name": "United States"},
        "outbound_caller_ids": [],
        "policy": {
            "international_calling": {
                "enable": area.policy.international_calling, "locked": False,
                "modified": True,
            },
            "outbound_calling": _outbound(area.policy),
        },
    }


# -- Voicemail ---------------------------------------------------------------------------


def _voicemail_common(vm: Voicemail, api_url: str) -> dict[str, Any]:
    return {
        "id": vm.id, "call_id": vm.call_id, "caller_number": vm.caller_number,
        "caller_name": vm.caller_name, "caller_number_type": 2,
        "callee_number": vm.callee_number, "callee_name": vm.callee_name,
        "callee_number_type": 1, "date_time": iso(vm.date_time), "duration": vm.duration,
        "status": vm.status,
        "download_url": f"{api_url}/v2/phone/voice_mails/download/{vm.id}",
    }


def user_voicemail(vm: Voicemail, api_url: str) -> dict[str, Any]:
    return _voicemail_common(vm, api_url)


def account_voicemail(account: Account, vm: Voicemail, api_url: str) -> dict[str, Any]:
    owner: dict[str, Any] = {"type": vm.owner_type, "id": vm.owner_id}
    user = account.users.get(vm.owner_id)
    area = account.common_areas.get(vm.owner_id)
    if user is not None and user.phone is not None:
        owner |= {"name": user.display_name, "extension_number": user.phone.extension_number}
    elif area is not None:
        owner |= {"name": area.display_name, "extension_number": area.extension_number}
    return _voicemail_common(vm, api_url) | {"owner": owner}


# -- Outbound calling --------------------------------------------------------------------


def country_rules(policy: OutboundPolicy) -> list[dict[str, Any]]:
    return [
        {"iso_code": iso_code, "name": COUNTRIES[iso_code][0], "code": COUNTRIES[iso_code][1],
         "rule": rule}
        for iso_code, rule in sorted(policy.country_rules.items())
    ]


# -- Call history ------------------------------------------------------------------------


def _ext_type(owner_type: str) -> str:
    return "common_area" if owner_type == "common_area" else "user"


def _call_parties(account: Account, call: CallRecord) -> dict[str, Any]:
    ext_id = ""
    user = account.users.get(call.owner_id)
    area = account.common_areas.get(call.owner_id)
    if user is not None and user.phone is not None:
        ext_id = user.phone.extension_id
    elif area is not None:
        ext_id = area.extension_id
    outbound = call.direction == "outbound"
    internal = {"ext_type": _ext_type(call.owner_type), "ext_id": ext_id}
    external = {"number_type": "external_pstn"}
    caller: dict[str, Any] = {"name": call.caller_name, **(internal if outbound else external)}
    callee: dict[str, Any] = {"name": call.callee_name, **(external if outbound else internal)}
    if outbound:
        caller["ext_number"] = call.caller_number
        callee["did_number"] = call.callee_number
        callee["country_iso_code"] = call.callee_country_iso_code
    else:
        caller["did_number"] = call.caller_number
        callee["ext_number"] = call.callee_number
    return {f"caller_{k}": v for k, v in caller.items()} | {
        f"callee_{k}": v for k, v in callee.items()
    }


def _call_times(call: CallRecord) -> dict[str, Any]:
    times = {"start_time": iso(call.start_time), "end_time": iso(call.end_time)}
    if call.answer_time is not None:
        times["answer_time"] = iso(call.answer_time)
    return times


def account_call(account: Account, call: CallRecord) -> dict[str, Any]:
    """One row of `GET /phone/call_history` (`call_history[]`)."""
    return {
        "call_history_uuid": call.id, "call_id": call.call_id, "direction": call.direction,
        "international": call.international, "duration": call.duration,
        "connect_type": call.connect_type, "call_type": call.call_type,
        "call_result": call.result, **_call_times(call), **_call_parties(account, call),
    }


def account_call_log(account: Account, call: CallRecord) -> dict[str, Any]:
    """The same row in the deprecated `call_logs[]` form (`id` instead of the uuid)."""
    row = account_call(account, call)
    row["id"] = row.pop("call_history_uuid")
    return row


def user_call(account: Account, call: CallRecord) -> dict[str, Any]:
    """One row of `GET /phone/users/{userId}/call_history` (`call_logs[]`)."""
    return {
        "id": call.id, "call_id": call.call_id, "direction": call.direction,
        "connect_type": call.connect_type, "call_type": call.call_type,
        "event": "outgoing" if call.direction == "outbound" else "incoming",
        "result": call.result, "talk_time": call.duration if call.answer_time else 0,
        **_call_times(call), **_call_parties(account, call),
    }


def caller_history_row(account: Account, call: CallRecord) -> dict[str, Any]:
    """One row of `phone.caller_call_history_completed`'s `call_logs`: the caller's record
    of the call, with `result` and `talk_time` where the listing has `call_result` and
    `duration`."""
    return {
        "id": call.id, "call_path_id": call.call_path_id or call.id, "call_id": call.call_id,
        "connect_type": call.connect_type, "call_type": call.call_type,
        "direction": call.direction, **_call_parties(account, call), **_call_times(call),
        "event": "outgoing" if call.direction == "outbound" else "incoming",
        "result": call.result, "talk_time": call.duration if call.answer_time else 0,
    }
