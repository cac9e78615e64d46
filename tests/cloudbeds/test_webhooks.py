"""Cloudbeds' webhook door: only Cloudbeds with our secret gets in, and what comes in is
stored before Cloudbeds hears 200."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import httpx
import pytest
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from connector.pms.cloud.contract import Notice
from connector.pms.cloudbeds.metrics import CloudbedsMetrics
from connector.pms.cloudbeds.webhooks import routes
from connector.settings.cloud_pms import CloudbedsSettings
from connector.store import StoreWriteError
from tests.cloudbeds.conftest import PROPERTY, SECRET, settings
from tests.support.fake_clock import FakeClock

CLOUDBEDS_ADDRESS = "203.0.113.9"


class Inbox:
    """The door's sink: keeps each notice once, or fails as a full disk would."""

    def __init__(self) -> None:
        self.notices: dict[str, Notice] = {}
        self.broken = False
        self.commits = 0

    def accept(self, notices: Sequence[Notice], *, offset: str | None = None) -> int:
        return len(self.accept_new(notices))

    def accept_new(self, notices: Sequence[Notice]) -> set[str]:
        if self.broken:
            raise StoreWriteError("connector.db", "keep a notice", "disk full")
        self.commits += 1
        new = {n.key: n for n in notices if n.key not in self.notices}
        self.notices.update(new)
        return set(new)

    def offset(self) -> str | None:
        return None

    def gap(self, reason: str) -> None:
        raise AssertionError("a webhook door never reports a gap")


def checked_in(reservation: str = "889", timestamp: float = 1773133200.5,
               property_id: str = PROPERTY) -> dict[str, object]:
    return {"version": "1.0", "event": "reservation/status_changed", "timestamp": timestamp,
            "propertyID": property_id, "reservationID": reservation, "status": "checked_in"}


class Door:
    def __init__(self, config: CloudbedsSettings, source: str = CLOUDBEDS_ADDRESS) -> None:
        self.inbox = Inbox()
        self.registry = CollectorRegistry()
        app = Starlette(routes=routes(self.inbox, config, clock=FakeClock(),
                                      metrics=CloudbedsMetrics(self.registry)))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app, client=(source, 4431)),
                                      base_url="https://phones.harbourview.example")

    async def post(self, body: object, secret: str = SECRET) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.http.post(f"/cloudbeds/{secret}/events", content=content,
                                    headers={"content-type": "application/json"})

    def count(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


async def test_a_check_in_notice_is_stored_before_cloudbeds_hears_200() -> None:
    door = Door(settings())
    response = await door.post(checked_in())
    assert response.status_code == 200 and response.json() == {"stored": True}
    key = "cloudbeds:reservation/status_changed:889:1773133200.5"
    assert list(door.inbox.notices) == [key]
    assert door.inbox.notices[key].body["status"] == "checked_in"


async def test_the_same_notice_twice_is_kept_once() -> None:
    door = Door(settings())
    await door.post(checked_in())
    again = await door.post(checked_in())
    assert again.status_code == 200 and again.json() == {"stored": False}
    assert len(door.inbox.notices) == 1


async def test_a_burst_of_webhooks_shares_a_few_commits_each_answered_once_stored() -> None:
    # The front desk checks in 40 guests at once: Cloudbeds posts 40 webhooks together.
    door = Door(settings())
    answered_before_stored: list[str] = []
    real_post = door.post

    async def post(reservation: str) -> httpx.Response:
        response = await real_post(checked_in(reservation))
        key = f"cloudbeds:reservation/status_changed:{reservation}:1773133200.5"
        if key not in door.inbox.notices:
            answered_before_stored.append(key)
        return response

    responses = await asyncio.gather(*(post(str(900 + n)) for n in range(40)))
    assert [r.json() for r in responses] == [{"stored": True}] * 40
    assert answered_before_stored == [] and len(door.inbox.notices) == 40
    assert door.inbox.commits <= 4  # not one commit (one fsync) per webhook


async def test_the_same_notice_twice_in_one_burst_is_stored_once() -> None:
    door = Door(settings())
    first, again = await asyncio.gather(door.post(checked_in()), door.post(checked_in()))
    assert door.inbox.commits == 1
    assert sorted(r.json()["stored"] for r in (first, again)) == [False, True]
    assert len(door.inbox.notices) == 1


async def test_a_burst_the_disk_refuses_is_answered_503_every_one() -> None:
    door = Door(settings())
    door.inbox.broken = True
    responses = await asyncio.gather(*(door.post(checked_in(str(n))) for n in range(5)))
    assert [r.status_code for r in responses] == [503] * 5 and door.inbox.notices == {}


async def test_a_wrong_secret_finds_no_door_and_nothing_is_stored(
        caplog: pytest.LogCaptureFixture) -> None:
    door = Door(settings())
    wrong = "t" * 40
    response = await door.post(checked_in(), secret=wrong)
    assert response.status_code == 404
    assert door.inbox.notices == {}
    assert door.count("connector_cloudbeds_webhooks_refused_total", reason="secret") == 1
    assert "wrong secret" in caplog.text and wrong not in caplog.text and SECRET not in caplog.text


async def test_another_method_without_the_secret_finds_no_door_either() -> None:
    door = Door(settings())
    assert (await door.http.get(f"/cloudbeds/{'t' * 40}/events")).status_code == 404
    assert (await door.http.put("/cloudbeds/guess/events")).status_code == 404
    with_secret = await door.http.get(f"/cloudbeds/{SECRET}/events")
    assert with_secret.status_code == 405 and SECRET not in with_secret.text
    assert door.inbox.notices == {}


async def test_an_address_outside_the_allow_list_finds_no_door_even_with_the_secret() -> None:
    door = Door(settings(webhook_allowed_sources="198.51.100.0/24"))
    response = await door.post(checked_in())
    assert response.status_code == 404
    assert door.inbox.notices == {}
    assert door.count("connector_cloudbeds_webhooks_refused_total", reason="source") == 1


async def test_an_address_inside_the_allow_list_gets_in() -> None:
    door = Door(settings(webhook_allowed_sources="198.51.100.0/24, 203.0.113.0/24"))
    assert (await door.post(checked_in())).status_code == 200
    assert len(door.inbox.notices) == 1


async def test_a_forged_notice_for_another_property_is_answered_but_never_stored(
        caplog: pytest.LogCaptureFixture) -> None:
    door = Door(settings())
    response = await door.post(checked_in(property_id="9999"))
    assert response.status_code == 200 and "another property" in response.json()["ignored"]
    assert door.inbox.notices == {}
    assert door.count("connector_cloudbeds_webhooks_total", outcome="ignored") == 1
    assert "another property" in caplog.text


async def test_a_store_failure_is_a_503_so_cloudbeds_sends_it_again() -> None:
    door = Door(settings())
    door.inbox.broken = True
    response = await door.post(checked_in())
    assert response.status_code == 503
    door.inbox.broken = False
    assert (await door.post(checked_in())).json() == {"stored": True}


@pytest.mark.parametrize(("body", "said"), [
    (b"reservation checked in", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    ({"event": "reservation/status_changed", "propertyID": PROPERTY, "timestamp": 1},
     "'reservationID'"),
    ({"event": "reservation/created", "propertyID": PROPERTY, "reservationID": "1"},
     "'timestamp'"),
])
async def test_an_unreadable_body_is_a_400_that_says_why(body: object, said: str) -> None:
    door = Door(settings())
    response = await door.post(body)
    assert response.status_code == 400 and said in response.json()["error"]
    assert door.inbox.notices == {}


async def test_a_room_condition_notice_is_keyed_by_its_room() -> None:
    door = Door(settings())
    await door.post({"event": "housekeeping/room_condition_changed", "timestamp": 1773133300,
                     "propertyID": PROPERTY, "roomID": "r-103", "roomCondition": "clean"})
    assert list(door.inbox.notices) == [
        "cloudbeds:housekeeping/room_condition_changed:r-103:1773133300"]


async def test_an_event_the_phones_do_not_read_is_answered_and_not_kept() -> None:
    door = Door(settings())
    response = await door.post({"event": "guest/details_changed", "timestamp": 1,
                                "propertyID": PROPERTY, "guestID": "5"})
    assert response.status_code == 200 and door.inbox.notices == {}


async def test_a_body_too_large_is_refused_before_it_is_read() -> None:
    door = Door(settings())
    response = await door.post(b"{" + b" " * 70_000 + b"}")
    assert response.status_code == 413
