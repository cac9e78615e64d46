"""Zoom's call-history webhook, through the door `connector serve` opens: a signed event is
kept (and the room's call posted) before Zoom gets its 200; a forged one is not read."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest
from prometheus_client import CollectorRegistry

from connector.billing.call import ZoomCall
from connector.billing.pipeline import Priced, Unpriced
from connector.billing.webhook import CALLER_HISTORY_COMPLETED
from connector.billing.wiring import Billing, open_billing
from connector.pms.reporter import Reporter
from connector.web import create_app
from connector.web.routes_zoom import ZoomDoor
from connector.web.zoom_signing import zoom_headers
from tests.billing.front_desk import StandInRated, call_row, stand_in_rate
from tests.support.outbox import kept_reports
from tests.web.pms import JSON, Hotel, check_in, open_hotel
from tests.zoom_spec import _to_json_schema, read_spec

SECRET_TOKEN = "zoom-app-secret-token-harbour"


def spec_schema(event: str) -> dict[str, Any]:
    hooks = read_spec("zoom-phone-webhooks.json")["webhooks"]
    raw = hooks[event]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema: dict[str, Any] = _to_json_schema(raw)
    return schema


def call_history_event(*rows: dict[str, Any], stamped: datetime | None = None,
                       ) -> dict[str, Any]:
    """`phone.caller_call_history_completed` as Zoom sends it (checked against its spec),
    stamped (`event_ts`) when Zoom made it."""
    event_ts = int(stamped.timestamp() * 1000) if stamped is not None else 1765140000000
    body = {"event": CALLER_HISTORY_COMPLETED, "event_ts": event_ts,
            "payload": {"account_id": "HarbourView",
                        "object": {"user_id": "zoom-user-101", "call_logs": list(rows)}}}
    jsonschema.validate(body, spec_schema(CALLER_HISTORY_COMPLETED))
    return body


class Zoom:
    def __init__(self, hotel: Hotel, http: httpx.AsyncClient, billing: Billing | None) -> None:
        self.hotel = hotel
        self.http = http
        self.billing = billing

    async def post(self, body: dict[str, Any], *, secret: str = SECRET_TOKEN) -> httpx.Response:
        raw = json.dumps(body).encode()
        return await self.http.post("/zoom/events", content=raw,
                                    headers={**JSON, **zoom_headers(raw, secret, self.hotel.now)})

    def postings(self) -> list[str]:
        return [f"RN{r.room} TA{r.payload['amount_minor']} P#{r.p_number}"
                for r in kept_reports(self.hotel.connector.store) if r.kind == "posting"]


@asynccontextmanager
async def zoom_to(tmp_path: Path, *, on_late: Callable[[], None] | None = None,
                  **env: str) -> AsyncIterator[Zoom]:
    """The hotel with call accounting wired as `connector serve` wires it (`on_late`: what
    a late webhook nudges, the call-history poll there)."""
    env = {"CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN": SECRET_TOKEN,
           "CONNECTOR_BILLING__TARIFF_FILE": str(tmp_path / "tariff.yaml"), **env}
    async with open_hotel(tmp_path, **env) as hotel:
        registry = CollectorRegistry()
        reporter = Reporter(hotel.connector.store, None, tz=UTC, clock=hotel.sandbox.clock)
        billing = open_billing(hotel.settings, hotel.connector, reporter, stand_in_rate,
                               clock=hotel.sandbox.clock, registry=registry,
                               on_late_webhook=on_late)
        token = hotel.settings.zoom.webhook_secret_token
        door = ZoomDoor(token, {} if billing is None else billing.handlers)
        app = create_app(lambda: hotel.connector, hotel.settings.webhook,
                         clock=hotel.sandbox.clock, registry=registry, zoom=door)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://connector") as http:
            yield Zoom(hotel, http, billing)


async def guest_in_first_room(zoom: Zoom) -> tuple[str, str, datetime]:
    hotel = zoom.hotel
    room, extension = next(iter(hotel.connector.room_map.items()))
    now = hotel.sandbox.clock.now()
    await hotel.send(check_in(room, occurred_at=(now - timedelta(hours=3)).isoformat()))
    return room, extension, now - timedelta(hours=1)


async def test_a_signed_call_history_event_is_kept_and_the_rooms_call_posted(
    tmp_path: Path,
) -> None:
    async with zoom_to(tmp_path) as zoom:
        room, extension, at = await guest_in_first_room(zoom)
        row = call_row(extension, at, talk=125)

        response = await zoom.post(call_history_event(row))

        assert (response.status_code, response.json()) == (200, {"status": "new"})
        call = zoom.hotel.connector.store.call(row["call_id"])
        assert call is not None and (call.state, call.room) == ("posted", room)
        assert zoom.postings() == [f"RN{room} TA300 P#1"]


async def test_zooms_retry_of_the_event_posts_nothing_more(tmp_path: Path) -> None:
    async with zoom_to(tmp_path) as zoom:
        _room, extension, at = await guest_in_first_room(zoom)
        event = call_history_event(call_row(extension, at))

        await zoom.post(event)
        again = await zoom.post(event)

        assert again.json() == {"status": "duplicate"}
        assert len(zoom.postings()) == 1


async def test_a_webhook_zoom_had_to_retry_is_kept_and_nudges_the_call_history_poll(
    tmp_path: Path,
) -> None:
    nudges: list[str] = []
    async with zoom_to(tmp_path, on_late=lambda: nudges.append("list now")) as zoom:
        room, extension, at = await guest_in_first_room(zoom)
        row = call_row(extension, at)
        # Zoom's first try failed; its retry comes 5 minutes later, with the first's stamp.
        stamped = zoom.hotel.sandbox.clock.now() - timedelta(minutes=5, seconds=10)

        response = await zoom.post(call_history_event(row, stamped=stamped))

        assert (response.status_code, response.json()) == (200, {"status": "new"})
        assert zoom.postings() == [f"RN{room} TA400 P#1"]
        assert nudges == ["list now"]


async def test_a_webhook_on_time_leaves_the_poll_to_its_interval(tmp_path: Path) -> None:
    nudges: list[str] = []
    async with zoom_to(tmp_path, on_late=lambda: nudges.append("list now")) as zoom:
        _room, extension, at = await guest_in_first_room(zoom)
        stamped = zoom.hotel.sandbox.clock.now() - timedelta(seconds=12)

        await zoom.post(call_history_event(call_row(extension, at), stamped=stamped))

        assert nudges == []


async def test_a_forged_call_history_event_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    async with zoom_to(tmp_path) as zoom:
        _room, extension, at = await guest_in_first_room(zoom)
        row = call_row(extension, at)

        response = await zoom.post(call_history_event(row), secret="not-zooms-secret-token")

        assert response.status_code == 401
        assert zoom.hotel.connector.store.call(row["call_id"]) is None
        assert zoom.postings() == []


async def test_a_row_that_cannot_be_read_does_not_lose_the_good_one_beside_it(
    tmp_path: Path,
) -> None:
    async with zoom_to(tmp_path) as zoom:
        _room, extension, at = await guest_in_first_room(zoom)
        good = call_row(extension, at)
        bad = call_row(extension, at, start_time="yesterday")

        response = await zoom.post(call_history_event(bad, good))

        assert response.json() == {"status": "new"}
        assert zoom.hotel.connector.store.call(good["call_id"]) is not None


async def test_an_event_with_no_calls_is_refused_as_invalid(tmp_path: Path) -> None:
    async with zoom_to(tmp_path) as zoom:
        response = await zoom.post(call_history_event())

        assert response.status_code == 400


@pytest.mark.parametrize("unset", ["CONNECTOR_BILLING__TARIFF_FILE",
                                   "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN"])
async def test_without_a_tariff_or_zooms_secret_no_call_is_taken(
    tmp_path: Path, unset: str, caplog: pytest.LogCaptureFixture,
) -> None:
    async with zoom_to(tmp_path, **{unset: ""}) as zoom:
        assert zoom.billing is None
    assert f"call accounting is off: no call is taken or posted; set {unset}" in caplog.text


async def test_a_call_held_for_want_of_a_rate_is_posted_once_the_tariff_has_it(
    tmp_path: Path,
) -> None:
    async with zoom_to(tmp_path) as zoom:
        room, extension, at = await guest_in_first_room(zoom)
        row = call_row(extension, at, dialled="+8821234567")
        await zoom.post(call_history_event(row))
        store = zoom.hotel.connector.store
        assert [c.state for c in store.calls()] == ["no_rate"]

        def hotel_added_satellite(call: ZoomCall) -> Priced | Unpriced:
            return StandInRated("satellite", 900, "EUR", 180)

        registry = CollectorRegistry()
        reporter = Reporter(store, None, tz=UTC, clock=zoom.hotel.sandbox.clock)
        open_billing(zoom.hotel.settings, zoom.hotel.connector, reporter,
                     hotel_added_satellite, clock=zoom.hotel.sandbox.clock, registry=registry)

        [call] = store.calls()
        assert (call.state, call.reason) == ("posted", None)
        assert zoom.postings() == [f"RN{room} TA900 P#1"]
