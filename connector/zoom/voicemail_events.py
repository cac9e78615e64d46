"""Zoom's voicemail webhooks as the connector reads them (pure parsing, no I/O).

`phone.voicemail_received` names one voicemail: its id, when it was left (`date_time`) and
its owner (`callee_id`, `callee_extension_type`, and the extension as `callee_number`). Zoom's
spec lists user, callQueue, autoReceptionist and sharedLineGroup as the owner's type, not
commonArea: whether a common area's voicemail is sent, and how its type is spelt, is
UNCONFIRMED (zoom-api-facts §3.8), so both of Zoom's spellings are read and the nightly
sweep judges whether they come (`connector.reconcile.voicemail_trust`). The caller's
number and name are in the payload and are never read.

`phone.voicemail_deleted` and `phone.voicemail_permanently_deleted` name ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationError

from connector.zoom.webhooks import ZoomEvent, ZoomEventInvalid

VOICEMAIL_RECEIVED = "phone.voicemail_received"
VOICEMAIL_DELETED = "phone.voicemail_deleted"
VOICEMAIL_PERMANENTLY_DELETED = "phone.voicemail_permanently_deleted"
VOICEMAIL_EVENTS = (VOICEMAIL_RECEIVED, VOICEMAIL_DELETED, VOICEMAIL_PERMANENTLY_DELETED)
# The Zoom app's scope for the three (zoom-api-facts §3.8): without it, none come.
VOICEMAIL_EVENT_SCOPE = "phone:read:voicemail:admin"
# At most this many ids in one deletion event (a mailbox emptied at once; bounds a forged one).
MAX_DELETED = 1000

_Id = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
_Word = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]

# Zoom's owner types that can be a room's phone; others (call queues, ...) are no room's.
_OWNER_TYPES: dict[str, Literal["user", "common_area"]] = {
    "user": "user", "commonarea": "common_area", "common_area": "common_area"}


class _Received(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: _Id
    date_time: AwareDatetime
    callee_id: _Id | None = None
    callee_user_id: _Id | None = None
    callee_extension_type: _Word | None = None
    callee_number: str | None = None
    callee_number_type: int | None = None


class _IdOnly(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: _Id


class _Deleted(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    voice_mails: list[_IdOnly]


@dataclass(frozen=True)
class VoicemailLeft:
    """A voicemail was left at `at` for `owner_id` (None: an owner no room can be, such as
    a call queue, named by `owner_kind` as Zoom spelt it)."""

    voicemail_id: str
    at: datetime
    owner_id: str | None
    owner_type: Literal["user", "common_area"] | None
    owner_kind: str
    extension: str | None


def parse_voicemail_received(event: ZoomEvent) -> VoicemailLeft:
    """The voicemail in a `phone.voicemail_received` payload."""
    try:
        found = _Received.model_validate(event.payload.get("object"))
    except ValidationError as error:
        raise _invalid(VOICEMAIL_RECEIVED, error) from None
    kind = found.callee_extension_type or "user"
    owner_type = _OWNER_TYPES.get(kind.lower())
    # A user's own id when Zoom gives it (`callee_id` may be the extension's id: UNCONFIRMED).
    owner = found.callee_user_id or found.callee_id
    # Number type 1 is an internal number: the owner's extension.
    extension = (found.callee_number if found.callee_number_type in (None, 1)
                 and found.callee_number and found.callee_number.isdigit() else None)
    return VoicemailLeft(voicemail_id=found.id, at=found.date_time,
                         owner_id=owner if owner_type is not None else None,
                         owner_type=owner_type if owner is not None else None,
                         owner_kind=kind, extension=extension)


def parse_voicemails_deleted(event: ZoomEvent) -> list[str]:
    """The ids in a `phone.voicemail_deleted` or `..._permanently_deleted` payload."""
    try:
        found = _Deleted.model_validate(event.payload.get("object"))
    except ValidationError as error:
        raise _invalid(event.event, error) from None
    if not 1 <= len(found.voice_mails) <= MAX_DELETED:
        raise ZoomEventInvalid(f"`payload.object.voice_mails` of {event.event} must list "
                               f"1-{MAX_DELETED} voicemails.")
    return [vm.id for vm in found.voice_mails]


def _invalid(name: str, error: ValidationError) -> ZoomEventInvalid:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return ZoomEventInvalid(
        f"`payload.object{'.' + where if where else ''}` of {name}: {first['msg']}.")
