"""Zoom's voicemail webhooks → the voicemail index (the handler on Zoom's door).

`phone.voicemail_received` indexes the voicemail (id, owner, when it was left);
`phone.voicemail_deleted` and `phone.voicemail_permanently_deleted` mark it deleted. Each
is one commit before Zoom gets its 200, and keyed on Zoom's voicemail id, so Zoom's retries
change nothing the second time. A voicemail whose owner can be no room's phone (a call
queue, an auto receptionist) is answered and counted, not kept.
"""

from __future__ import annotations

import logging

from connector.store import Store
from connector.store.voicemail_index import IndexedVoicemail
from connector.zoom.voicemail_events import (
    VOICEMAIL_RECEIVED,
    parse_voicemail_received,
    parse_voicemails_deleted,
)
from connector.zoom.webhooks import ZoomEvent

log = logging.getLogger("connector.reconcile.voicemail")

INDEXED = "indexed"
DELETED = "deleted"
DUPLICATE = "duplicate"
NOT_A_ROOM_OWNER = "not_a_room_owner"


class VoicemailIntake:
    """The `ZoomHandler` for the three voicemail events; returns the outcome for the
    metrics (`connector_zoom_webhook_events_total{event,outcome}`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __call__(self, event: ZoomEvent) -> str:
        if event.event == VOICEMAIL_RECEIVED:
            return self._received(event)
        ids = parse_voicemails_deleted(event)
        marked = self._store.voicemails.mark_deleted(ids)
        log.info("Zoom deleted voicemails", extra={
            "event": event.event, "voicemails": len(ids), "were_indexed": marked})
        return DELETED if marked else DUPLICATE

    def _received(self, event: ZoomEvent) -> str:
        left = parse_voicemail_received(event)
        if left.owner_id is None or left.owner_type is None:
            log.info("voicemail for an owner that is no room's phone", extra={
                "voicemail_id": left.voicemail_id, "owner_kind": left.owner_kind})
            return NOT_A_ROOM_OWNER
        new = self._store.voicemails.add(IndexedVoicemail(
            voicemail_id=left.voicemail_id, owner_id=left.owner_id,
            owner_type=left.owner_type, extension=left.extension, received_at=left.at))
        if new:
            log.info("voicemail indexed", extra={
                "voicemail_id": left.voicemail_id, "extension": left.extension,
                "owner_type": left.owner_type})
        return INDEXED if new else DUPLICATE
