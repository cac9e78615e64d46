"""Cloudbeds' thin webhooks, as a subscriber (a real HTTP server on loopback) receives them:
each body checked against the webhook schema written from Cloudbeds' Webhooks guide; the
front desk's actions announce what Cloudbeds would; faults lose, double, delay and reorder
them; a subscriber that keeps failing is given up after the retries."""

from __future__ import annotations

from collections import Counter
from datetime import date

import httpx

from connector.clock import SystemClock
from connector.sandbox.cloudbeds import (
    CloudbedsEmulator,
    CloudbedsServer,
    Condition,
    WebhookFaults,
    serve_cloudbeds,
)
from connector.sandbox.cloudbeds.state import EVENTS
from tests.sandbox.cloudbeds.support import Cloudbeds, Receiver, receiver

MARCH_10, MARCH_12, MARCH_14 = date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 14)


async def _subscribe_all(cloudbeds: Cloudbeds, url: str) -> None:
    for obj, action in sorted(EVENTS):
        await cloudbeds.data("POST", "/postWebhook",
                             form={"object": obj, "action": action, "endpointUrl": url})


async def test_a_stay_from_booking_to_departure_announces_what_cloudbeds_would(
        cloudbeds: Cloudbeds, emulator: CloudbedsEmulator) -> None:
    state = emulator.state
    async with receiver() as door:
        await _subscribe_all(cloudbeds, door.url)
        ada = state.create_reservation("Ada", "Lovelace", MARCH_10, MARCH_12, room="101")
        state.check_in(ada.reservation_id)
        state.move(ada.reservation_id, "102")
        state.change_dates(ada.reservation_id, MARCH_10, MARCH_14)
        state.check_out(ada.reservation_id)
        alan = state.create_reservation("Alan", "Turing", MARCH_10, MARCH_12)
        state.cancel(alan.reservation_id)
        state.set_condition("102", Condition.INSPECTED)  # housekeeping inspects the room
        await emulator.webhooks.idle()
    room102 = state.room_named("102")
    assert room102 is not None
    seen = Counter(door.events())
    assert seen == Counter({
        "reservation/created": 2, "reservation/status_changed": 3,
        "reservation/accommodation_status_changed": 2, "reservation/accommodation_changed": 1,
        "reservation/dates_changed": 1, "housekeeping/room_condition_changed": 2})
    statuses = {(b["reservationID"], b["status"]) for b in door.bodies
                if b["event"] == "reservation/status_changed"}
    assert statuses == {(ada.reservation_id, "checked_in"), (ada.reservation_id, "checked_out"),
                        (alan.reservation_id, "canceled")}
    moved = [b for b in door.bodies if b["event"] == "reservation/accommodation_changed"]
    assert [b["roomID"] for b in moved] == [room102.room_id]
    dates = [b for b in door.bodies if b["event"] == "reservation/dates_changed"]
    assert [(b["startDate"], b["endDate"]) for b in dates] == [("2026-03-10", "2026-03-14")]
    conditions = sorted(b["roomCondition"] for b in door.bodies
                        if b["event"] == "housekeeping/room_condition_changed")
    assert conditions == ["dirty", "inspected"]  # dirty at check-out, then inspected
    assert {b["propertyID"] for b in door.bodies} == {int(state.property_id)}
    assert all("Ada" not in str(b) for b in door.bodies)  # thin: no guest names


async def test_the_admin_api_drives_the_front_desk_over_http(
        cloudbeds: Cloudbeds, server: CloudbedsServer, emulator: CloudbedsEmulator) -> None:
    async with receiver() as door, httpx.AsyncClient() as admin:
        await _subscribe_all(cloudbeds, door.url)
        made = (await admin.post(server.admin_url + "/reservations", json={
            "first_name": "Grace", "last_name": "Hopper", "start": "2026-03-10",
            "end": "2026-03-12"})).json()["data"]
        rid = made["reservationID"]
        for path, body in (("check_in", {"room": "201"}), ("move", {"room": "202"}),
                           ("dates", {"start": "2026-03-10", "end": "2026-03-13"}),
                           ("names", {"first_name": "Grace", "last_name": "Murray Hopper"}),
                           ("check_out", {})):
            answer = await admin.post(f"{server.admin_url}/reservations/{rid}/{path}", json=body)
            assert answer.status_code == 200, answer.text
        bad = await admin.post(f"{server.admin_url}/reservations/{rid}/check_in", json={})
        assert bad.status_code == 400  # checked out already
        answer = await admin.post(server.admin_url + "/rooms/101/condition",
                                  json={"condition": "dirty"})
        assert answer.json()["data"]["roomCondition"] == "dirty"
        await emulator.webhooks.idle()
    read = await cloudbeds.data("GET", "/getReservation", {"reservationID": rid})
    assert (read["status"], read["guestName"], read["endDate"]) == (
        "checked_out", "Grace Murray Hopper", "2026-03-13")
    assert ("reservation/status_changed", "checked_out") in {
        (b["event"], b.get("status")) for b in door.bodies}


async def test_a_no_show_and_a_deleted_booking_are_announced(
        cloudbeds: Cloudbeds, server: CloudbedsServer, emulator: CloudbedsEmulator) -> None:
    state = emulator.state
    late = state.create_reservation("Alan", "Turing", MARCH_10, MARCH_12, room="201")
    wrong = state.create_reservation("Test", "Booking", MARCH_10, MARCH_12)
    async with receiver() as door, httpx.AsyncClient() as admin:
        await _subscribe_all(cloudbeds, door.url)
        for rid, act in ((late.reservation_id, "no_show"), (wrong.reservation_id, "delete")):
            answer = await admin.post(f"{server.admin_url}/reservations/{rid}/{act}")
            assert answer.status_code == 200, answer.text
        await emulator.webhooks.idle()
    assert sorted((b["event"], b["reservationID"], b.get("status")) for b in door.bodies) == [
        ("reservation/deleted", wrong.reservation_id, None),
        ("reservation/status_changed", late.reservation_id, "no_show")]
    gone = await cloudbeds.call("GET", "/getReservation",
                                {"reservationID": wrong.reservation_id})
    assert gone.status_code == 404


async def test_faults_lose_double_delay_and_reorder_notifications() -> None:
    faults = WebhookFaults(lose=0.15, duplicate=0.15, late=0.15, reorder=0.15,
                           late_seconds=0.4, seed=7)
    emulator = CloudbedsEmulator(clock=SystemClock(), faults=faults, rooms=("101",))
    async with serve_cloudbeds(emulator), receiver() as door:
        emulator.state.subscribe("reservation", "created", door.url)
        made = [emulator.state.create_reservation("Guest", str(n), MARCH_10, MARCH_12)
                for n in range(60)]
        await emulator.webhooks.idle()
    sent = [r.reservation_id for r in made]
    received = [b["reservationID"] for b in door.bodies]
    by_fault = Counter(d.fault for d in emulator.webhooks.deliveries)
    lost = {d.body["reservationID"] for d in emulator.webhooks.deliveries if d.fault == "lost"}
    doubled = {d.body["reservationID"] for d in emulator.webhooks.deliveries
               if "duplicate" in (d.fault or "")}
    late = {d.body["reservationID"] for d in emulator.webhooks.deliveries
            if "late" in (d.fault or "")}
    assert by_fault["lost"] and doubled and late and by_fault["reordered"]
    assert lost.isdisjoint(received)  # lost: never posted
    assert set(sent) - lost == set(received)
    assert {rid for rid, n in Counter(received).items() if n == 2} == doubled
    # A late notification arrives after ones the front desk made later.
    assert any(received.index(rid) > received.index(sent[sent.index(rid) + 1])
               for rid in late if sent.index(rid) + 1 < len(sent)
               and sent[sent.index(rid) + 1] in received)
    assert received != [rid for rid in sent if rid not in lost]  # out of order


async def test_the_same_seed_gives_the_same_faults() -> None:
    async def run() -> list[str | None]:
        emulator = CloudbedsEmulator(faults=WebhookFaults(lose=0.3, duplicate=0.3, seed=3))
        async with serve_cloudbeds(emulator), receiver() as door:
            emulator.state.subscribe("reservation", "created", door.url)
            for n in range(20):
                emulator.state.create_reservation("Guest", str(n), MARCH_10, MARCH_12)
                await emulator.webhooks.idle()  # one at a time: deliveries keep their order
        return [d.fault for d in emulator.webhooks.deliveries]
    first = await run()
    assert "lost" in first and "duplicate" in first
    assert await run() == first


async def _deliver_once_to(door: Receiver, retries: int) -> CloudbedsEmulator:
    emulator = CloudbedsEmulator(faults=WebhookFaults(retries=retries, backoff_seconds=0.01))
    async with serve_cloudbeds(emulator):
        emulator.state.subscribe("housekeeping", "room_condition_changed", door.url)
        emulator.state.set_condition("101", Condition.DIRTY)
        await emulator.webhooks.idle()
    return emulator


async def test_a_subscriber_that_keeps_failing_is_given_up_after_the_retries() -> None:
    async with receiver(fail_first=100) as door:
        emulator = await _deliver_once_to(door, retries=3)
    assert door.posts == 4  # the first try and three retries
    assert [(d.outcome, d.attempts) for d in emulator.webhooks.deliveries] == [("failed", 4)]


async def test_a_subscriber_back_after_a_failure_gets_the_notification() -> None:
    async with receiver(fail_first=2) as door:
        emulator = await _deliver_once_to(door, retries=3)
    assert door.events() == ["housekeeping/room_condition_changed"]
    assert [(d.outcome, d.attempts) for d in emulator.webhooks.deliveries] == [("delivered", 3)]
