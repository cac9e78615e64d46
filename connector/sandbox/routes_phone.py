"""Handlers for Zoom's Phone API. Pure: account in, answer out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from connector.sandbox import call_charges, dates, errors, views
from connector.sandbox.errors import ZoomError
from connector.sandbox.pagination import Page, page_size
from connector.sandbox.routing import ApiRequest, ApiResponse, Context, Handler
from connector.sandbox.state import (
    COUNTRIES,
    CallRecord,
    CommonArea,
    OutboundPolicy,
    User,
    VoicemailDeletion,
)
from connector.sandbox.validation import (
    json_object,
    optional_bool,
    optional_int,
    optional_object,
    optional_str,
)
from connector.sandbox.zoom_events import VOICEMAIL_DELETED, voicemails_deleted

T = TypeVar("T")

# Some list responses document fewer items than the page size they accept.
_RESPONSE_MAX_ITEMS = {"list_user_voicemails": 100, "get_user_outbound_countries": 100}


def _invalid_token() -> ZoomError:
    return ZoomError(400, 400, "The next page token is invalid or expired.")


def _page(ctx: Context, req: ApiRequest, items: Sequence[T], listing: str) -> Page[T]:
    size = page_size(req.query, req.endpoint.max_page_size)
    size = min(size, _RESPONSE_MAX_ITEMS.get(req.endpoint.name, size))
    return ctx.pager.page(
        items, listing=f"{req.endpoint.name}:{listing}", size=size,
        token=req.arg("next_page_token"), now=req.now, expired=_invalid_token(),
    )


def _listing(
    page: Page[Any], field: str, rows: list[dict[str, Any]], *, total: bool = True
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "next_page_token": page.next_page_token, "page_size": page.page_size, field: rows,
    }
    if total:  # not every listing documents a count
        body["total_records"] = page.total_records
    return body


def _filters(req: ApiRequest, *names: str) -> str:
    return "&".join(f"{n}={','.join(req.query.get(n, []))}" for n in names)


# -- Phone users -------------------------------------------------------------------------


def _phone_user(ctx: Context, req: ApiRequest) -> User:
    user_id = req.path_params["userId"]
    user = ctx.account.find_phone_user(user_id)
    if user is None:
        raise errors.user_not_found(user_id)
    return user


def list_phone_users(ctx: Context, req: ApiRequest) -> ApiResponse:
    status, site = req.arg("status"), req.arg("site_id")
    department, keyword = req.arg("department"), (req.arg("keyword") or "").lower()
    users = []
    for user in ctx.account.users.values():
        phone = user.phone
        if phone is None or (status and phone.status != status):
            continue
        if (site and phone.site_id != site) or (department and phone.department != department):
            continue
        haystack = f"{user.display_name} {user.email} {phone.extension_number}".lower()
        if keyword and keyword not in haystack:
            continue
        users.append(user)
    users.sort(key=lambda u: u.phone.extension_number if u.phone else 0)
    page = _page(ctx, req, users, _filters(req, "status", "site_id", "department", "keyword"))
    return ApiResponse(200, _listing(
        page, "users", [views.phone_user_list_item(ctx.account, u) for u in page.items]
    ))


def get_phone_user(ctx: Context, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, views.phone_user_detail(_phone_user(ctx, req)))


def update_phone_user(ctx: Context, req: ApiRequest) -> ApiResponse:
    user = _phone_user(ctx, req)
    assert user.phone is not None
    body = json_object(req.body)
    extension = optional_str(body, "extension_number")
    site_id = optional_str(body, "site_id")
    policy = optional_object(body, "policy") or {}
    international = optional_bool(policy, "international_calling",
                                  "policy.international_calling")
    if extension is not None:
        if not extension.isdigit():
            raise errors.validation_failed("extension_number", "Invalid extension number.")
        owner = ctx.account.owner_of_extension(int(extension))
        if owner is not None and owner is not user:
            raise ZoomError(409, 409, "Extension number is already in use.")
        user.phone.extension_number = int(extension)
    if site_id is not None:
        if site_id not in ctx.account.sites:
            raise ZoomError(404, 404, "Site does not exist.")
        user.phone.site_id = site_id
    if international is not None:
        user.phone.policy.international_calling = international
    return ApiResponse(204)


# -- Devices -----------------------------------------------------------------------------


def list_devices(ctx: Context, req: ApiRequest) -> ApiResponse:
    kind = req.arg("type")
    if kind not in ("assigned", "unassigned"):
        raise errors.validation_failed("type", "Invalid field: type must be assigned or "
                                               "unassigned.")
    assignee_type, device_type = req.arg("assignee_type"), req.arg("device_type")
    site, keyword = req.arg("site_id"), (req.arg("keyword") or "").lower()
    account = ctx.account
    devices = []
    for device in account.devices.values():
        if (kind == "assigned") != bool(device.assignee_ids):
            continue
        if device_type and device.device_type != device_type:
            continue
        if site and device.site_id != site:
            continue
        item = views.device_list_item(account, device)
        if assignee_type and not any(
            a["extension_type"] == assignee_type for a in item["assignees"]
        ):
            continue
        haystack = " ".join(
            [device.display_name, device.mac_address, device.private_ip]
            + [f"{a['name']} {a['extension_number']}" for a in item["assignees"]]
        ).lower()
        if keyword and keyword not in haystack:
            continue
        devices.append(device)
    page = _page(ctx, req, devices, _filters(
        req, "type", "assignee_type", "device_type", "site_id", "keyword"))
    return ApiResponse(200, _listing(
        page, "devices", [views.device_list_item(account, d) for d in page.items]
    ))


def get_device(ctx: Context, req: ApiRequest) -> ApiResponse:
    device = ctx.account.devices.get(req.path_params["deviceId"])
    if device is None:
        raise ZoomError(400, 400, "Device does not exist in the system.")
    return ApiResponse(200, views.device_detail(ctx.account, device))


def update_device(ctx: Context, req: ApiRequest) -> ApiResponse:
    device = ctx.account.devices.get(req.path_params["deviceId"])
    if device is None:
        raise ZoomError(400, 300, "Validation failed. Device does not exist in the system.")
    body = json_object(req.body)
    display = optional_str(body, "display_name", 255)
    assigned_to = optional_str(body, "assigned_to")
    if assigned_to is not None:
        owner = ctx.account.find_user(assigned_to) or ctx.account.find_common_area(assigned_to)
        if owner is None:
            raise ZoomError(404, 1001, f"User not found: {assigned_to}")
        device.assignee_ids = [owner.id]
    if display is not None:
        device.display_name = display
    return ApiResponse(204)


# -- Common areas ------------------------------------------------------------------------


def _common_area(ctx: Context, req: ApiRequest, code: int) -> CommonArea:
    area_id = req.path_params["commonAreaId"]
    area = ctx.account.find_common_area(area_id)
    if area is None:
        raise ZoomError(400, code, f"Common area does not exist: {area_id}.")
    return area


def list_common_areas(ctx: Context, req: ApiRequest) -> ApiResponse:
    site = req.arg("site_id")
    areas = sorted(
        (a for a in ctx.account.common_areas.values() if not site or a.site_id == site),
        key=lambda a: a.extension_number,
    )
    page = _page(ctx, req, areas, _filters(req, "site_id", "calling_type"))
    return ApiResponse(200, _listing(
        page, "common_areas",
        [views.common_area_list_item(ctx.account, a) for a in page.items], total=False,
    ))


def get_common_area(ctx: Context, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, views.common_area_detail(ctx.account, _common_area(ctx, req, 400)))


def update_common_area(ctx: Context, req: ApiRequest) -> ApiResponse:
    area = _common_area(ctx, req, 404)
    body = json_object(req.body)
    display = optional_str(body, "display_name")
    department = optional_str(body, "department")
    cost_center = optional_str(body, "cost_center")
    timezone = optional_str(body, "timezone")
    extension = optional_int(body, "extension_number")
    policy = optional_object(body, "policy") or {}
    international = optional_object(policy, "international_calling") or {}
    enable = optional_bool(international, "enable", "policy.international_calling.enable")
    if display is not None:
        if len(display) < 3:
            raise errors.validation_failed("display_name", "Display name is too short.")
        area.display_name = display
    if extension is not None:
        owner = ctx.account.owner_of_extension(extension)
        if owner is not None and owner is not area:
            raise ZoomError(400, 409, "A conflict occurred with the target extension number. "
                                      "Try again later.")
        area.extension_number = extension
    if department is not None:
        area.department = department
    if cost_center is not None:
        area.cost_center = cost_center
    if timezone is not None:
        area.timezone = timezone
    if enable is not None:
        area.policy.international_calling = enable
    return ApiResponse(204)


# -- Voicemail ---------------------------------------------------------------------------


def list_user_voicemails(ctx: Context, req: ApiRequest) -> ApiResponse:
    user = _phone_user(ctx, req)
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(days=30))
    status = req.arg("status") or "all"
    mails = sorted(
        (vm for vm in ctx.account.voicemails.values()
         if vm.owner_id == user.id and start <= vm.date_time <= end
         and status in ("all", vm.status)),
        key=lambda vm: vm.date_time, reverse=True,
    )
    page = _page(ctx, req, mails, user.id + _filters(req, "from", "to", "status"))
    return ApiResponse(200, _listing(
        page, "voice_mails", [views.user_voicemail(vm, ctx.api_url) for vm in page.items]
    ) | {"from": dates.day(start), "to": dates.day(end)})


def list_account_voicemails(ctx: Context, req: ApiRequest) -> ApiResponse:
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(days=30))
    status, owner_type = req.arg("status") or "all", req.arg("owner_type")
    mails = sorted(
        (vm for vm in ctx.account.voicemails.values()
         if start <= vm.date_time <= end and status in ("all", vm.status)
         and owner_type in (None, vm.owner_type)),
        key=lambda vm: vm.date_time, reverse=True,
    )
    page = _page(ctx, req, mails, _filters(req, "from", "to", "status", "owner_type"))
    return ApiResponse(200, _listing(
        page, "voice_mails",
        [views.account_voicemail(ctx.account, vm, ctx.api_url) for vm in page.items],
    ) | {"from": dates.day(start), "to": dates.day(end)})


def delete_voicemail(ctx: Context, req: ApiRequest) -> ApiResponse:
    vm_id = req.path_params["voicemailId"]
    gone = ctx.account.voicemails.pop(vm_id, None)
    ctx.account.voicemail_deletions.append(VoicemailDeletion(
        vm_id, gone.owner_id if gone else None, req.now, found=gone is not None))
    if gone is None:
        raise ZoomError(404, 404, f"Voicemail does not exist: {vm_id}.")
    ctx.emit(VOICEMAIL_DELETED, voicemails_deleted(VOICEMAIL_DELETED, ctx.account.id,
                                                   [vm_id], req.now))
    return ApiResponse(204)


# -- Outbound calling rules --------------------------------------------------------------


def _rules_target(ctx: Context, req: ApiRequest) -> OutboundPolicy:
    if "userId" in req.path_params:
        user_id = req.path_params["userId"]
        user = ctx.account.find_phone_user(user_id)
        if user is None or user.phone is None:
            raise ZoomError(404, 13500, f"The user does not exist: {user_id}.")
        policy = user.phone.policy
    else:
        area_id = req.path_params["commonAreaId"]
        area = ctx.account.find_common_area(area_id)
        if area is None:
            raise ZoomError(404, 13500, f"The common area does not exist: {area_id}.")
        policy = area.policy
    if not policy.outbound_calling_enabled:
        raise ZoomError(400, 13504, "You do not enable the outbound calling policy setting.")
    return policy


def get_outbound_countries(ctx: Context, req: ApiRequest) -> ApiResponse:
    policy = _rules_target(ctx, req)
    rows = views.country_rules(policy)
    owner = next(iter(req.path_params.values()))
    page = _page(ctx, req, rows, owner)
    return ApiResponse(200, {
        "next_page_token": page.next_page_token, "page_size": page.page_size,
        "countries_regions": list(page.items),
    })


def update_outbound_countries(ctx: Context, req: ApiRequest) -> ApiResponse:
    policy = _rules_target(ctx, req)
    body = json_object(req.body)
    rules = body.get("country_regions")
    if not isinstance(rules, list) or not rules:
        raise errors.validation_failed("country_regions", "Invalid field: country_regions.")
    updates: dict[str, int] = {}
    for i, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            raise errors.validation_failed(f"country_regions[{i}]", "Must be an object.")
        iso_code, value = rule.get("iso_code"), rule.get("rule")
        if not isinstance(iso_code, str) or iso_code.upper() not in COUNTRIES:
            raise errors.validation_failed(f"country_regions[{i}].iso_code",
                                           f"Invalid country or region: {iso_code}.")
        if value not in (1, 2, 3, 4) or isinstance(value, bool):
            raise errors.validation_failed(f"country_regions[{i}].rule",
                                           f"Invalid rule: {value}.")
        updates[iso_code.upper()] = int(value)
    policy.country_rules.update(updates)
    return ApiResponse(204)


# -- Call history ------------------------------------------------------------------------


_CALL_FILTERS = ("from", "to", "time_type", "directions", "connect_types", "extension_types",
                 "call_types", "call_results", "call_ids")
_TIME_TYPES = ("start_time", "end_time")


def _listed(req: ApiRequest, name: str) -> set[str]:
    """An array query parameter, sent repeated or comma separated."""
    return {v for value in req.query.get(name, []) for v in value.split(",") if v}


def _calls_between(ctx: Context, req: ApiRequest, owner_id: str | None) -> list[CallRecord]:
    """The calls Zoom has recorded by now that the query's window and filters take, newest
    first. `time_type` says which of the call's times the window is about."""
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(hours=24))
    time_type = req.arg("time_type") or "start_time"
    if time_type not in _TIME_TYPES:
        raise errors.validation_failed("time_type", f"Invalid field: time_type {time_type}.")
    by_end = time_type == "end_time"
    wanted = {name: _listed(req, name) for name in (
        "directions", "connect_types", "extension_types", "call_types", "call_results",
        "call_ids")}

    def taken(call: CallRecord) -> bool:
        return all(not values or value in values for values, value in (
            (wanted["directions"], call.direction),
            (wanted["connect_types"], call.connect_type),
            (wanted["extension_types"], call.owner_type),
            (wanted["call_types"], call.call_type),
            (wanted["call_results"], call.result),
            (wanted["call_ids"], call.call_id)))

    return sorted(
        (c for c in ctx.account.calls.values()
         if c.recorded_by(req.now)
         and start <= (c.end_time if by_end else c.start_time) <= end
         and owner_id in (None, c.owner_id) and taken(c)),
        key=lambda c: c.start_time, reverse=True,
    )


def list_account_call_history(ctx: Context, req: ApiRequest) -> ApiResponse:
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(hours=24))
    calls = _calls_between(ctx, req, None)
    page = _page(ctx, req, calls, _filters(req, *_CALL_FILTERS))
    account = ctx.account
    return ApiResponse(200, _listing(
        page, "call_history", [views.account_call(account, c) for c in page.items],
    ) | {
        # The deprecated `call_logs` is still sent alongside its replacement.
        "call_logs": [views.account_call_log(account, c) for c in page.items],
        "from": dates.day(start), "to": dates.day(end),
    })


def list_user_call_history(ctx: Context, req: ApiRequest) -> ApiResponse:
    user_id = req.path_params["userId"]
    user = ctx.account.find_phone_user(user_id)
    if user is None:
        raise ZoomError(404, 300, f"User does not exist: {user_id}.")
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(hours=24))
    calls = _calls_between(ctx, req, user.id)
    page = _page(ctx, req, calls, user.id + _filters(req, *_CALL_FILTERS))
    return ApiResponse(200, _listing(
        page, "call_logs", [views.user_call(ctx.account, c) for c in page.items],
    ) | {"from": dates.day(start), "to": dates.day(end)})


def list_call_charges(ctx: Context, req: ApiRequest) -> ApiResponse:
    """Zoom's carrier charges for the account's answered outside calls, newest first."""
    start, end = dates.window(req.arg("from"), req.arg("to"), req.now, timedelta(days=30))
    wanted = _listed(req, "call_ids")
    charges_only = req.arg("show_charges_only") == "true"
    calls = sorted(
        (c for c in ctx.account.calls.values()
         if c.recorded_by(req.now) and start <= c.start_time <= end and call_charges.charged(c)
         and (not wanted or c.call_id in wanted)
         and not (charges_only and not call_charges.total(c))),
        key=lambda c: c.start_time, reverse=True,
    )
    page = _page(ctx, req, calls, _filters(req, "from", "to", "call_ids", "show_charges_only"))
    return ApiResponse(200, _listing(
        page, "call_charges", [call_charges.charge_row(c) for c in page.items],
    ) | {"from": dates.day(start), "to": dates.day(end)})


HANDLERS: dict[str, Handler] = {
    "list_phone_users": list_phone_users,
    "get_phone_user": get_phone_user,
    "update_phone_user": update_phone_user,
    "list_devices": list_devices,
    "get_device": get_device,
    "update_device": update_device,
    "list_common_areas": list_common_areas,
    "get_common_area": get_common_area,
    "update_common_area": update_common_area,
    "list_user_voicemails": list_user_voicemails,
    "list_account_voicemails": list_account_voicemails,
    "delete_voicemail": delete_voicemail,
    "get_user_outbound_countries": get_outbound_countries,
    "update_user_outbound_countries": update_outbound_countries,
    "get_common_area_outbound_countries": get_outbound_countries,
    "update_common_area_outbound_countries": update_outbound_countries,
    "list_account_call_history": list_account_call_history,
    "list_user_call_history": list_user_call_history,
    "get_call_charges": list_call_charges,
}
