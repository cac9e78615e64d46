"""What IT reads in the log when the PMS checks a guest in, through either door: the room and
the reservation at the default level, the guest's name only with debug logging on."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry

from connector.logs import JsonFormatter, TextFormatter, set_debug
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.server import SandboxServer
from connector.serve.runner import Service
from connector.service import Connector
from connector.web.signing import signature_headers
from tests.scenarios.hotel import scenario_settings
from tests.support.waiting import until

SECRET = "event-lines-secret-0123456789"


@dataclass
class Doors:
    sandbox: Sandbox
    pms: FiasPms
    web: str

    async def webhook(self, event: dict[str, object]) -> None:
        await self.send({**event, "occurred_at": self.sandbox.clock.now().isoformat()})

    async def webhook_batch(self, *events: dict[str, object]) -> None:
        now = self.sandbox.clock.now().isoformat()
        await self.send({"events": [{**event, "occurred_at": now} for event in events]})

    async def send(self, document: dict[str, object]) -> None:
        body = json.dumps(document).encode()
        headers = {**signature_headers(body, [SECRET], int(time.time())),
                   "Content-Type": "application/json"}
        async with httpx.AsyncClient() as http:
            answer = await http.post(f"{self.web}/v1/pms/events", content=body, headers=headers)
        assert answer.status_code == 202, answer.text


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def about(self, room: str) -> list[logging.LogRecord]:
        return [r for r in self.records if room in r.rooms]  # type: ignore[attr-defined]




@pytest.fixture
def lines() -> Iterator[_Lines]:
    """`connector.events` records, caught on the logger itself (the connector's logging
    set-up stops propagation to the root logger, where caplog listens)."""
    root = logging.getLogger("connector")
    level = root.level
    handler = _Lines()
    logging.getLogger("connector.events").addHandler(handler)
    set_debug(False)  # the default level: INFO
    try:
        yield handler
    finally:
        logging.getLogger("connector.events").removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def every_line() -> Iterator[_Lines]:
    """Every record of the connector's loggers, the web door's included."""
    root = logging.getLogger("connector")
    level = root.level
    handler = _Lines()
    root.addHandler(handler)
    set_debug(False)  # the default level: INFO
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _about_event(lines: _Lines, event_id: str) -> list[logging.LogRecord]:
    return [r for r in lines.records if r.levelno == logging.INFO and event_id in (
        getattr(r, "event_id", None), *getattr(r, "event_ids", ()))]


@pytest.fixture
async def doors(tmp_path: Path) -> AsyncIterator[Doors]:
    sandbox = Sandbox(SandboxConfig())
    pms = FiasPms(local_time=lambda: sandbox.clock.now())
    async with SandboxServer(sandbox):
        port = await pms.serve()
        settings = scenario_settings(
            sandbox, tmp_path,
            CONNECTOR_FIAS__MODE="client", CONNECTOR_FIAS__PORT=str(port),
            CONNECTOR_WEBHOOK__SECRET=SECRET, CONNECTOR_SERVER__PORT="0",
            CONNECTOR_HOTEL__TIMEZONE="Europe/Berlin",
        )
        registry = CollectorRegistry()
        connector = await Connector.open(settings, clock=sandbox.clock, registry=registry)
        service = Service(settings, connector, clock=sandbox.clock, registry=registry)
        task = asyncio.create_task(service.run())
        await until(lambda: service.web.started)
        await asyncio.wait_for(pms.link_up.wait(), 5)
        # The first link-up's resync (DR, DS … DE) is over before a test's records go: a
        # GI it repeated would be a second line for the room.
        await until(lambda: connector.store.counts().events >= 2)
        bound = service.web.servers[0].sockets[0].getsockname()[1]
        yield Doors(sandbox, pms, f"http://127.0.0.1:{bound}")
        service.stop.set()
        await asyncio.wait_for(task, 10)
        await pms.close()


def _written(record: logging.LogRecord) -> str:
    """The line as it reaches the log collector, in both of the connector's formats."""
    return JsonFormatter().format(record) + "\n" + TextFormatter().format(record)


async def test_a_fias_check_in_is_logged_with_room_and_reservation_but_no_name(
    doors: Doors, lines: _Lines,
) -> None:
    await doors.pms.send(Record.of("GI", ("RN", "102"), ("G#", "5002"), ("GN", "Okafor"),
                                   ("GF", "Benedikt")))
    await until(lambda: bool(lines.about("102")))

    [record] = lines.about("102")
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith(
        "PMS check_in from fias, room 102, reservation 5002: room 102 occupied, 1 guest")
    assert "Okafor" not in _written(record) and "Benedikt" not in _written(record)


async def test_a_webhook_check_in_is_logged_with_room_and_reservation_but_no_name(
    doors: Doors, lines: _Lines,
) -> None:
    await doors.webhook({"type": "check_in", "id": "wh-1", "room": "103",
                         "reservation": "R-77", "guests": [{"first_name": "Chloé",
                                                             "last_name": "Martin"}]})

    [record] = lines.about("103")
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith(
        "PMS check_in from webhook, room 103, reservation R-77: room 103 occupied, 1 guest")
    assert "Chloé" not in _written(record) and "Martin" not in _written(record)


async def test_a_duplicate_delivery_is_logged_as_such(doors: Doors, lines: _Lines) -> None:
    event = {"type": "dnd", "id": "wh-dnd", "room": "104", "on": True}
    await doors.webhook(event)
    await doors.webhook(event)

    first, again = (r.getMessage() for r in lines.about("104"))
    assert first == "PMS dnd from webhook, room 104: room 104 DND on"
    assert again == "PMS dnd from webhook, room 104: no change (duplicate)"


async def test_with_debug_on_the_names_are_added(doors: Doors, lines: _Lines) -> None:
    set_debug(True)

    await doors.pms.send(Record.of("GI", ("RN", "102"), ("G#", "5003"), ("GN", "Okafor"),
                                   ("GF", "Ben")))
    await doors.webhook({"type": "check_in", "id": "wh-2", "room": "103",
                         "reservation": "R-78", "guests": [{"last_name": "Martin"}]})
    await until(lambda: bool(lines.about("102")))

    assert lines.about("102")[0].getMessage().endswith("(guests: Ben Okafor)")
    assert lines.about("103")[0].getMessage().endswith("(guests: Martin)")


async def test_a_single_webhook_event_is_one_line_in_the_log(
    doors: Doors, every_line: _Lines,
) -> None:
    await doors.webhook({"type": "dnd", "id": "wh-one", "room": "104", "on": True})

    [record] = _about_event(every_line, "wh-one")
    assert record.getMessage() == "PMS dnd from webhook, room 104: room 104 DND on"


async def test_a_webhook_batch_is_a_line_per_event_and_one_for_the_request(
    doors: Doors, every_line: _Lines,
) -> None:
    await doors.webhook_batch({"type": "dnd", "id": "wh-b1", "room": "104", "on": True},
                              {"type": "dnd", "id": "wh-b2", "room": "105", "on": True})

    first, request = _about_event(every_line, "wh-b1")
    second, same_request = _about_event(every_line, "wh-b2")
    assert [first.getMessage(), second.getMessage()] == [
        "PMS dnd from webhook, room 104: room 104 DND on",
        "PMS dnd from webhook, room 105: room 105 DND on"]
    assert request is same_request
    assert request.getMessage() == "PMS events stored from the webhook"
    assert request.rooms == ["104", "105"]  # type: ignore[attr-defined]
