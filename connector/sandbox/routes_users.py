"""Handlers for Zoom's Users API: users and presence status. Pure: account in, answer out."""

from __future__ import annotations

import math
from datetime import timedelta

from connector.sandbox import errors, views
from connector.sandbox.errors import ZoomError
from connector.sandbox.pagination import page_size
from connector.sandbox.routing import ApiRequest, ApiResponse, Context, Handler
from connector.sandbox.state import DND, DND_SPEC_SPELLING, PRESENCE_STATUSES, User
from connector.sandbox.validation import json_object, optional_int, optional_str
from connector.sandbox.zoom_events import PRESENCE_UPDATED, presence_updated

DND_DEFAULT_MINUTES = 20
DND_MAX_MINUTES = 1440
PRESENCE_TOO_OFTEN = (
    "Too many requests submitted to update the presence status of this user. "
    "Try again later."
)


def _user(ctx: Context, req: ApiRequest) -> User:
    user_id = req.path_params["userId"]
    user = ctx.account.find_user(user_id)
    if user is None:
        raise errors.user_not_found(user_id)
    return user


def list_users(ctx: Context, req: ApiRequest) -> ApiResponse:
    status = req.arg("status") or "active"
    if status not in ("active", "inactive", "pending"):
        raise errors.validation_failed("status", f"Invalid field: status {status}.")
    users = [u for u in ctx.account.users.values() if u.status == status]
    size = page_size(req.query, req.endpoint.max_page_size)
    page = ctx.pager.page(users, listing=f"users?status={status}", size=size,
                          token=req.arg("next_page_token"), now=req.now)
    return ApiResponse(200, {
        "page_count": max(1, math.ceil(page.total_records / size)), "page_number": 1,
        "page_size": size, "total_records": page.total_records,
        "next_page_token": page.next_page_token,
        "users": [views.user_list_item(u) for u in page.items],
    })


def get_user(ctx: Context, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, views.user_detail(ctx.account, _user(ctx, req)))


def update_user(ctx: Context, req: ApiRequest) -> ApiResponse:
    user = _user(ctx, req)
    body = json_object(req.body)
    first = optional_str(body, "first_name", 64)
    last = optional_str(body, "last_name", 64)
    display = optional_str(body, "display_name", 128)
    dept = optional_str(body, "dept")
    job_title = optional_str(body, "job_title", 128)
    timezone = optional_str(body, "timezone")
    language = optional_str(body, "language")
    if first is not None:
        user.first_name = first
    if last is not None:
        user.last_name = last
    if display is not None:
        user.display_name = display
    elif first is not None or last is not None:
        # Zoom derives the display name from the names unless it is given.
        user.display_name = f"{user.first_name} {user.last_name}".strip()
    if dept is not None:
        user.dept = dept
        if user.phone is not None:
            user.phone.department = dept
    if job_title is not None:
        user.job_title = job_title
    if timezone is not None:
        user.timezone = timezone
    if language is not None:
        user.language = language
    return ApiResponse(204)


def set_presence(ctx: Context, req: ApiRequest) -> ApiResponse:
    user = _user(ctx, req)
    body = json_object(req.body)
    status = optional_str(body, "status")
    if status is None:
        raise errors.validation_failed("status", "Invalid field: status is required.")
    if status == DND_SPEC_SPELLING and ctx.options.accept_dnd_spec_spelling:
        status = DND
    if status != DND and status not in PRESENCE_STATUSES:
        raise errors.validation_failed("status", f"Invalid field: status {status}.")
    duration = optional_int(body, "duration")
    if status == DND:
        duration = DND_DEFAULT_MINUTES if duration is None else duration
        if not 1 <= duration <= DND_MAX_MINUTES:
            raise errors.validation_failed(
                "duration", f"The duration must be between 1 and {DND_MAX_MINUTES} minutes."
            )
    presence = user.presence
    interval = timedelta(seconds=ctx.options.presence_interval_seconds)
    if presence.last_update is not None and req.now - presence.last_update < interval:
        raise ZoomError(429, 429, PRESENCE_TOO_OFTEN)
    if not user.client_signed_in:
        raise ZoomError(400, 5301, "Request to update the presence status of this user failed.")
    shown = presence.at(req.now)
    presence.status = status
    presence.dnd_until = (
        req.now + timedelta(minutes=duration) if status == DND and duration else None
    )
    presence.last_update = req.now
    if presence.at(req.now) != shown:
        # Zoom tells the app of every presence change, the ones the app made included.
        ctx.emit(PRESENCE_UPDATED, presence_updated(ctx.account.id, user, status, req.now))
    return ApiResponse(204)


def get_presence(ctx: Context, req: ApiRequest) -> ApiResponse:
    # An app asking about another user sees only the status (no end_time/remaining_time).
    return ApiResponse(200, {"status": _user(ctx, req).presence.at(req.now)})


HANDLERS: dict[str, Handler] = {
    "list_users": list_users,
    "get_user": get_user,
    "update_user": update_user,
    "set_presence": set_presence,
    "get_presence": get_presence,
}
