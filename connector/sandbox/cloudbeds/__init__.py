"""The Cloudbeds emulator: one property's rooms, reservations, housekeeping, folio items and
webhook subscriptions; the PMS API v1.3 operations a phone interface uses, answered as
Cloudbeds does (checked against Cloudbeds' published spec in the tests); its thin webhooks,
posted with faults; its per-second limit, which suspends the key."""

from connector.sandbox.cloudbeds.emulator import CloudbedsEmulator, CloudbedsServer, serve_cloudbeds
from connector.sandbox.cloudbeds.state import CloudbedsError, CloudbedsState, Condition, Status
from connector.sandbox.cloudbeds.webhooks_out import WebhookFaults

__all__ = ["CloudbedsEmulator", "CloudbedsError", "CloudbedsServer", "CloudbedsState",
           "Condition", "Status", "WebhookFaults", "serve_cloudbeds"]
