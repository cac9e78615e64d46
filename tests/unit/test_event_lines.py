"""The one INFO line per event says who spoke: the PMS, or a room phone."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from connector.event_lines import log_event
from connector.events.models import Dnd

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _line(caplog: pytest.LogCaptureFixture, source: str) -> str:
    logger = logging.getLogger("connector.events")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="connector.events"):
            log_event(Dnd(id=f"dnd-{source}", occurred_at=AT, room="204", on=True),
                      source=source, duplicate=False, words={"204": "room 204 DND on"})
    finally:
        logger.removeHandler(caplog.handler)
    return caplog.records[-1].getMessage()


def test_a_dnd_from_the_pms_is_the_pms_speaking(caplog: pytest.LogCaptureFixture) -> None:
    assert _line(caplog, "fias") == "PMS dnd from fias, room 204: room 204 DND on"


def test_a_dnd_the_guest_pressed_is_the_room_phone_speaking(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert _line(caplog, "zoom") == "Room phone dnd from zoom, room 204: room 204 DND on"
