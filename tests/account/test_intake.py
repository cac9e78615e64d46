"""The account's Zoom webhook intake: Zoom's one URL for every hotel of the group."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from connector.account.intake import IntakeConfig, create_intake_app
from connector.web.zoom_signing import url_validation_answer, zoom_headers
from tests.account.group_factory import HOTEL_SECRETS, FakeHotel, group, ledger_lines
from tests.support.fake_clock import FakeClock

ACCOUNT_SECRET = "the-accounts-zoom-token"


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


class Account:
    """The intake (one or more replicas) and the group's hotels, all in process."""

    def __init__(self, tmp_path: Path, *, faro_unreachable: bool = False) -> None:
        self.clock = FakeClock()
        self.ledger = tmp_path / "hotels.jsonl"
        now = self.clock.now().timestamp()
        self.hotels = {h: FakeHotel(h, self.ledger, now) for h in HOTEL_SECRETS}
        mounts: dict[str, httpx.AsyncBaseTransport] = {
            f"http://{h}.hotels": httpx.ASGITransport(app=hotel.app())
            for h, hotel in self.hotels.items()}
        if faro_unreachable:
            mounts["http://faro.hotels"] = httpx.MockTransport(_refused)
        self.to_hotels = httpx.AsyncClient(mounts=mounts)
        self.config = IntakeConfig(group(), ACCOUNT_SECRET, HOTEL_SECRETS)
        self.registry = CollectorRegistry()
        self.replica = self.intake(self.registry)

    def intake(self, registry: CollectorRegistry | None = None) -> Starlette:
        """One replica of the intake (each its own process: its own metrics)."""
        return create_intake_app(self.config, client=self.to_hotels, clock=self.clock,
                                 registry=CollectorRegistry() if registry is None else registry)

    async def zoom_sends(self, event: dict[str, object], *, secret: str = ACCOUNT_SECRET,
                         intake: Starlette | None = None) -> httpx.Response:
        body = json.dumps(event).encode()
        headers = {"content-type": "application/json",
                   **zoom_headers(body, secret, int(self.clock.now().timestamp()))}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=intake or self.replica),
                                     base_url="http://intake") as zoom:
            return await zoom.post("/zoom/events", content=body, headers=headers)

    def kept(self, hotel: str) -> list[dict[str, object]]:
        return [line["body"] for line in ledger_lines(self.ledger)  # type: ignore[misc]
                if line["hotel"] == hotel and line["door"] == "zoom"]


def _voicemail_for(extension: str, vm_id: str = "vm-1") -> dict[str, object]:
    return {"event": "phone.voicemail_received", "event_ts": 1_700_000_000_000,
            "payload": {"account_id": "acc", "object": {
                "id": vm_id, "date_time": "2026-12-07T22:00:00Z", "callee_number": extension,
                "callee_user_id": f"user-{extension}", "caller_name": "A Guest"}}}


async def test_a_voicemail_for_room_205_is_kept_at_porto_before_zoom_gets_its_200(
        tmp_path: Path) -> None:
    account = Account(tmp_path)
    answer = await account.zoom_sends(_voicemail_for("205"))
    assert answer.status_code == 200
    # Porto verified its own token's signature and kept the raw event before the 200.
    assert account.kept("porto") == [_voicemail_for("205")]
    assert account.kept("lisbon") == [] and account.kept("faro") == []


async def test_a_forged_signature_is_refused_and_no_hotel_hears_of_it(tmp_path: Path) -> None:
    account = Account(tmp_path)
    answer = await account.zoom_sends(_voicemail_for("205"), secret="not-the-token")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "signature_mismatch"
    assert ledger_lines(account.ledger) == []


async def test_a_hotel_that_is_down_gets_zoom_a_503_so_zoom_sends_again(tmp_path: Path) -> None:
    account = Account(tmp_path, faro_unreachable=True)
    account.hotels["porto"].down = True
    unreachable = await account.zoom_sends(_voicemail_for("305"))
    starting = await account.zoom_sends(_voicemail_for("205"))
    assert unreachable.status_code == 503 and starting.status_code == 503
    assert unreachable.headers["retry-after"] == "60"
    account.hotels["porto"].down = False
    again = await account.zoom_sends(_voicemail_for("205"))
    assert again.status_code == 200
    assert account.kept("porto") == [_voicemail_for("205")]


async def test_an_event_no_hotel_owns_is_answered_200_and_kept_nowhere(tmp_path: Path) -> None:
    account = Account(tmp_path)
    answer = await account.zoom_sends(_voicemail_for("777"))
    assert answer.status_code == 200 and answer.json() == {"status": "unowned"}
    assert ledger_lines(account.ledger) == []
    assert account.registry.get_sample_value(
        "connector_account_intake_events_total", {"hotel": "none", "outcome": "unowned"}) == 1


async def test_zooms_url_validation_is_answered_with_the_accounts_token(tmp_path: Path) -> None:
    account = Account(tmp_path)
    answer = await account.zoom_sends({"event": "endpoint.url_validation",
                                       "payload": {"plainToken": "abc"}})
    assert answer.json() == url_validation_answer("abc", ACCOUNT_SECRET)


async def test_two_intakes_at_once_deliver_every_event_to_its_hotel(tmp_path: Path) -> None:
    account = Account(tmp_path)
    first, second = account.replica, account.intake()
    events = [_voicemail_for(ext, f"vm-{ext}") for ext in ("101", "202", "303", "104", "900")]
    answers = await asyncio.gather(*(
        account.zoom_sends(event, intake=first if i % 2 else second)
        for i, event in enumerate(events)))
    assert [a.status_code for a in answers] == [200] * 5
    assert sorted(str(e["payload"]["object"]["id"]) for e in account.kept("lisbon")) == [  # type: ignore[index]
        "vm-101", "vm-104"]
    assert [e["payload"]["object"]["id"] for e in account.kept("porto")] in (  # type: ignore[index]
        ["vm-202", "vm-900"], ["vm-900", "vm-202"])
    assert [e["payload"]["object"]["id"] for e in account.kept("faro")] == ["vm-303"]  # type: ignore[index]
