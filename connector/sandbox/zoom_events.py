"""Zoom's webhook requests as the emulator sends them, with no I/O: bodies, signatures and
the URL validation handshake (zoom-api-facts §3.8).

The signature is computed here on its own, not borrowed from the connector's verifier
(`connector.web.zoom_signing`), so a test that verifies the emulator's requests with the
connector's code checks two readings of Zoom's rule against each other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from connector.sandbox.state import User, Voicemail

PRESENCE_UPDATED = "user.presence_status_updated"
CALLER_CALL_HISTORY_COMPLETED = "phone.caller_call_history_completed"
URL_VALIDATION = "endpoint.url_validation"
VOICEMAIL_RECEIVED = "phone.voicemail_received"
VOICEMAIL_DELETED = "phone.voicemail_deleted"
VOICEMAIL_PERMANENTLY_DELETED = "phone.voicemail_permanently_deleted"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
SIGNATURE_HEADER = "x-zm-signature"


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def envelope(event: str, payload: dict[str, Any], at: datetime) -> bytes:
    """The request body: `{"event", "payload", "event_ts"}`, serialised once; these exact
    bytes are signed and sent (a retry sends them again)."""
    return json.dumps({"event": event, "payload": payload, "event_ts": _ms(at)},
                      ensure_ascii=False, separators=(",", ":")).encode()


def presence_updated(account_id: str, user: User, status: str, at: datetime) -> bytes:
    """`user.presence_status_updated`: `user`'s presence became `status` at `at`."""
    return envelope(PRESENCE_UPDATED, {"account_id": account_id, "object": {
        "id": user.id, "email": user.email,
        "date_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "presence_status": status,
        # Which Zoom app the change was made in; a room phone is Zoom Phone.
        "app": {"type": "phone", "presence_status": status},
    }}, at)


def caller_call_history_completed(
    account_id: str, owner_id: str, row: dict[str, Any], at: datetime
) -> bytes:
    """`phone.caller_call_history_completed`: the caller's record of one finished call is
    ready (`row` from `views.caller_history_row`). `user_id` is the caller's Zoom id, a
    common area's own id when the room phone is one."""
    return envelope(CALLER_CALL_HISTORY_COMPLETED, {"account_id": account_id, "object": {
        "user_id": owner_id, "call_logs": [row]}}, at)


def voicemail_received(account_id: str, vm: Voicemail, api_url: str) -> bytes:
    """`phone.voicemail_received`: `vm` was left. A common area's owner type is spelt
    `commonArea` as in the account listing; Zoom's spec names no common-area owner here
    (UNCONFIRMED: `SandboxConfig.common_area_voicemail_events`)."""
    is_user = vm.owner_type == "user"
    found: dict[str, Any] = {
        "id": vm.id, "date_time": vm.date_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "download_url": f"{api_url}/v2/phone/voice_mails/download/{vm.id}",
        "duration": vm.duration, "caller_number": vm.caller_number, "caller_number_type": 2,
        "caller_name": vm.caller_name, "callee_number": vm.callee_number,
        "callee_number_type": 1, "callee_name": vm.callee_name,
        "callee_extension_type": "user" if is_user else "commonArea",
        "callee_id": vm.owner_id, "call_id": vm.call_id}
    if is_user:
        found["callee_user_id"] = vm.owner_id
    return envelope(VOICEMAIL_RECEIVED, {"account_id": account_id, "object": found},
                    vm.date_time)


def voicemails_deleted(event: str, account_id: str, ids: list[str], at: datetime) -> bytes:
    """`phone.voicemail_deleted` (or `..._permanently_deleted`): these voicemails are gone."""
    return envelope(event, {"account_id": account_id, "object": {
        "voice_mails": [{"id": vm_id} for vm_id in ids]}}, at)


def url_validation(plain_token: str, at: datetime) -> bytes:
    """The challenge Zoom posts when an event subscription's endpoint is saved."""
    return envelope(URL_VALIDATION, {"plainToken": plain_token}, at)


def encrypted_token(plain_token: str, secret_token: str) -> str:
    """What the endpoint must answer as `encryptedToken`: hex HMAC-SHA256 of the plain token."""
    return hmac.new(secret_token.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def validation_answered(answer: Any, plain_token: str, secret_token: str) -> bool:
    """Whether the endpoint's JSON answer proves it holds the secret token."""
    if not isinstance(answer, dict) or answer.get("plainToken") != plain_token:
        return False
    offered = answer.get("encryptedToken")
    return isinstance(offered, str) and hmac.compare_digest(
        offered, encrypted_token(plain_token, secret_token))


def signed_headers(body: bytes, secret_token: str, at: datetime) -> dict[str, str]:
    """Zoom's two headers for `body` sent at `at`: the timestamp in whole seconds and
    `v0=` + hex HMAC-SHA256(secret token, "v0:{timestamp}:{body}")."""
    timestamp = str(int(at.timestamp()))
    message = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret_token.encode(), message, hashlib.sha256).hexdigest()
    return {"content-type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: f"v0={digest}"}
