"""Which hotel of the group a Zoom event or an account-wide listing row belongs to. Pure.

Zoom's payloads name their hotel in different ways (tests/zoom_specs): a call-history event
carries each leg's `*_site_id` and `*_ext_number`; a voicemail event the callee's extension
(`callee_number`); the presence event only the user's id and e-mail. A site id decides first
(it cannot overlap), then an extension within a hotel's ranges, then an e-mail domain. The
side read first is the one the event is about (a `callee_...` event: the callee).
A voicemail deletion names ids only: no hotel owns it (the nightly sweep marks what Zoom no
longer lists, and a hotel's own purges mark theirs as they delete).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.account.group import Group, Hotel
from connector.zoom.voicemail_events import VOICEMAIL_RECEIVED
from connector.zoom.webhooks import PRESENCE_UPDATED, ZoomEvent

_CALLEE_COMPLETED = "phone.callee_call_history_completed"


def by_site(group: Group, site_id: object) -> Hotel | None:
    if not isinstance(site_id, str) or not site_id:
        return None
    return next((h for h in group.hotels if h.site_id == site_id), None)


def by_extension(group: Group, number: object) -> Hotel | None:
    text = str(number) if isinstance(number, int | str) and not isinstance(number, bool) else ""
    if not text.isdigit():
        return None
    return next((h for h in group.hotels if h.owns_extension(text)), None)


def by_email(group: Group, email: object) -> Hotel | None:
    if not isinstance(email, str) or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return next((h for h in group.hotels if h.email_domain == domain), None)


def call_row_hotel(group: Group, row: Mapping[str, Any], *,
                   sides: tuple[str, ...] = ("caller", "callee")) -> Hotel | None:
    """The hotel of a call-history row (webhook `call_logs[]` or the account's listing)."""
    for side in sides:
        found = by_site(group, row.get(f"{side}_site_id"))
        if found is not None:
            return found
    for side in sides:
        found = by_extension(group, row.get(f"{side}_ext_number"))
        if found is not None:
            return found
    return None


def voicemail_row_hotel(group: Group, row: Mapping[str, Any]) -> Hotel | None:
    """The hotel of a row of the account-wide voicemail listing (its `owner`)."""
    owner = row.get("owner")
    if not isinstance(owner, Mapping):
        return None
    return by_site(group, owner.get("site_id")) or by_extension(
        group, owner.get("extension_number"))


def event_hotel(group: Group, event: ZoomEvent) -> Hotel | None:
    """The hotel a webhook event belongs to, or None when no hotel of the group owns it."""
    found = event.payload.get("object")
    if not isinstance(found, Mapping):
        return None
    if event.event == PRESENCE_UPDATED:
        return by_email(group, found.get("email"))
    if event.event == VOICEMAIL_RECEIVED:
        return by_site(group, found.get("callee_site_id")) or by_extension(
            group, found.get("callee_number"))
    logs = found.get("call_logs")
    if isinstance(logs, list):
        sides = (("callee", "caller") if event.event == _CALLEE_COMPLETED
                 else ("caller", "callee"))
        for row in logs:
            if isinstance(row, Mapping):
                hotel = call_row_hotel(group, row, sides=sides)
                if hotel is not None:
                    return hotel
    return by_site(group, found.get("site_id")) or by_extension(
        group, found.get("extension_number"))
