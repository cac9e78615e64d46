"""The demo day's call abroad, over real sockets as `connector sandbox` runs it: the guest
in room 101 calls London and Zoom's signed call-history webhook reaches the service."""

from __future__ import annotations

import json
from typing import cast

from connector.billing.call import from_webhook_row
from connector.cli.demo_day import LONDON, LONDON_TALK_SECONDS, DemoDay
from connector.sandbox.sip.side import SipSide
from tests.sandbox.test_dnd_from_the_room_phone import (  # noqa: F401 - the fixture
    EXTENSION,
    ROOM,
    Running,
    running,
)
from tests.zoom_webhook_spec import validate_webhook

CALL_EVENT = "phone.caller_call_history_completed"


async def test_the_demo_days_guest_calls_london_and_zooms_webhook_reaches_the_service(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    said: list[str] = []
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", said.append)

    await demo.outside_call(ROOM)

    (delivery,) = [d for d in running.sandbox.webhooks.deliveries if d.event == CALL_EVENT]
    assert validate_webhook(delivery.body) == CALL_EVENT
    assert delivery.attempts[0].status == 200  # signed as the service checks it
    call = from_webhook_row(json.loads(delivery.body)["payload"]["object"]["call_logs"][0])
    assert (call.caller_extension, call.dialled, call.talk_seconds) == (
        str(EXTENSION), LONDON, LONDON_TALK_SECONDS)
    assert said[0] == (f"  The guest in room {ROOM} calls {LONDON} (London) from the room "
                       f"phone (extension {EXTENSION}) and talks 3 min 5 s")
    assert said[-1].startswith("    the connector answered 200: ")


async def test_without_zooms_events_the_call_abroad_is_skipped(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    running.sandbox.webhooks.unsubscribe()
    calls_before = len(running.sandbox.account.calls)
    said: list[str] = []
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", said.append)

    await demo.outside_call(ROOM)

    assert said == ["  Zoom's events are not subscribed: room 101's call abroad cannot "
                    "reach the connector; skipped"]
    assert len(running.sandbox.account.calls) == calls_before
