"""Bodies an integrator can copy: one per event type, and a batch.

They appear in the served OpenAPI schema (`/docs`) and in docs/webhook.md; tests post each
one to the API, so an example that stops being accepted fails the build. Rooms are the demo
hotel's (`connector sandbox`); a real hotel's room numbers are in its room map.
"""

from __future__ import annotations

from typing import Any

EVENT_EXAMPLES: dict[str, dict[str, Any]] = {
    "check_in": {
        "type": "check_in",
        "id": "opera-4711-ci",
        "occurred_at": "2026-03-10T15:02:11+01:00",
        "room": "101",
        "reservation": "4711",
        "guests": [{"title": "Ms", "first_name": "Ada", "last_name": "Lovelace",
                    "vip": "VIP", "language": "en"}],
        "arrival": "2026-03-10",
        "departure": "2026-03-13",
        "class_of_service": 3,
    },
    "guest_change": {
        "type": "guest_change",
        "id": "opera-4711-gc-1",
        "occurred_at": "2026-03-10T18:40:00+01:00",
        "room": "205",
        "old_room": "101",
        "reservation": "4711",
        "guests": [{"first_name": "Ada", "last_name": "Lovelace"}],
    },
    "check_out": {
        "type": "check_out",
        "id": "opera-4711-co",
        "occurred_at": "2026-03-13T10:55:00+01:00",
        "room": "205",
        "reservation": "4711",
    },
    "dnd": {
        "type": "dnd",
        "id": "opera-4711-dnd-1",
        "occurred_at": "2026-03-10T22:00:00+01:00",
        "room": "205",
        "on": True,
        "until": "2026-03-11T09:00:00+01:00",
    },
    "class_of_service": {
        "type": "class_of_service",
        "id": "opera-4711-cos-1",
        "occurred_at": "2026-03-10T15:05:00+01:00",
        "room": "205",
        "level": 1,
    },
    "message_waiting": {
        "type": "message_waiting",
        "id": "opera-4711-mw-1",
        "occurred_at": "2026-03-10T16:00:00+01:00",
        "room": "205",
        "on": True,
    },
    "wakeup_set": {
        "type": "wakeup_set",
        "id": "opera-4711-wr-1",
        "occurred_at": "2026-03-10T23:10:00+01:00",
        "room": "205",
        "at": "2026-03-11T06:30:00+01:00",
        "days": 2,
    },
    "wakeup_clear": {
        "type": "wakeup_clear",
        "id": "opera-4711-wc-1",
        "occurred_at": "2026-03-11T06:00:00+01:00",
        "room": "205",
        "at": "2026-03-12T06:30:00+01:00",
    },
    "resync_start": {
        "type": "resync_start",
        "id": "opera-resync-88-start",
        "occurred_at": "2026-03-11T03:00:00+01:00",
        "resync_id": "opera-resync-88",
    },
    "resync_end": {
        "type": "resync_end",
        "id": "opera-resync-88-end",
        "occurred_at": "2026-03-11T03:00:05+01:00",
        "resync_id": "opera-resync-88",
    },
    "guest_anonymised": {
        "type": "guest_anonymised",
        "id": "opera-4711-anon",
        "occurred_at": "2026-04-20T11:00:00+02:00",
        "reservation": "4711",
    },
}

BATCH_EXAMPLE: dict[str, Any] = {
    "events": [
        {
            "type": "check_in",
            "id": "opera-4712-ci",
            "occurred_at": "2026-03-10T15:10:00+01:00",
            "room": "102",
            "reservation": "4712",
            "guests": [{"first_name": "Alan", "last_name": "Turing"}],
        },
        {
            "type": "dnd",
            "id": "opera-4712-dnd-1",
            "occurred_at": "2026-03-10T15:11:00+01:00",
            "room": "102",
            "on": True,
        },
    ]
}
