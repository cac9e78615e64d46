"""The demo day's call abroad, over real sockets as `connector sandbox` runs it: the guest
in room 101 calls London, Zoom's signed call-history webhook reaches the service, and the
PMS receives the charge rated by the demo hotel's tariff; `connector calls` lists it."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta
from typing import cast
from unittest import mock

import httpx
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from connector.billing.call import from_webhook_row
from connector.cli import main
from connector.cli.demo_day import LONDON, LONDON_TALK_SECONDS, DemoDay
from connector.sandbox.calls import CallOrder
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
                       f"phone (extension {EXTENSION}) and talks 1 min 5 s")
    assert said[-2].startswith("    the connector answered 200: ")
    # Nobody checked in to room 101 here: the call is kept, and not charged.
    assert said[-1] == f"    no charge for room {ROOM}: vacant (room {ROOM} was vacant when " \
        "the call started)"


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


async def test_the_guests_call_to_london_reaches_the_pms_as_a_charge_by_the_demo_tariff(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    await running.check_in()
    said: list[str] = []
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", said.append)

    await demo.outside_call(ROOM)

    # 1 min 5 s to London: 5 s free, one whole minute at 1.50 and a 1.00 connection fee.
    (posting,) = running.pms.received_of("PS")
    assert (posting.get("RN"), posting.get("PT"), posting.get("TA"), posting.get("DD"),
            posting.get("DU")) == (ROOM, "C", "250", LONDON.lstrip("+"), "000105")
    assert said[-1] == (f"    the PMS received {posting} (a direct charge, PT C: TA250 is USD "
                        f"2.50, international (europe), 60 s billed); `connector calls "
                        f"--room {ROOM}` lists it")


async def test_connector_calls_lists_the_demo_days_call_to_london(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    await running.check_in()
    demo = DemoDay(running.sandbox, running.connector, running.pms, cast(SipSide, None),
                   running.web_url(), "", lambda _: None)
    await demo.outside_call(ROOM)
    settings = running.connector.settings

    with mock.patch.dict(os.environ, {
            **running.sandbox.environment(),
            "CONNECTOR_STORE__PATH": str(settings.store.path),
            "CONNECTOR_BILLING__TARIFF_FILE": str(settings.billing.tariff_file)}):
        shown = CliRunner().invoke(main, ["calls", "--room", ROOM])

    assert shown.exit_code == 0, shown.output
    (line,) = [line for line in shown.output.splitlines() if LONDON in line]
    assert "2.50" in line and "International (europe)" in line


async def _listings(hotel: Running) -> float:
    """How many times the call-history poll has listed, as /metrics says."""
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"{hotel.web_url()}/metrics")).text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "connector_call_poll_runs_total")


async def test_a_call_history_webhook_zoom_sends_late_makes_the_poll_list_at_once(
    running: Running,  # noqa: F811 - the fixture imported above
) -> None:
    await running.check_in()
    listed = await _listings(running)  # the listing at start; the next is an hour away
    ended = running.sandbox.clock.now() - timedelta(minutes=6)

    # Zoom recorded this call six minutes ago: its event comes now, as a retry would.
    running.sandbox.place_call(CallOrder(EXTENSION, LONDON, talk_seconds=60,
                                         start=ended - timedelta(seconds=65)))
    await running.sandbox.webhooks.settled()

    for _ in range(100):
        if await _listings(running) > listed:
            break
        await asyncio.sleep(0.05)
    assert await _listings(running) == listed + 1
