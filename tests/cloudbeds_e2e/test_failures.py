"""What goes wrong between a hotel's Cloudbeds and its phones, end to end: a burst that would
get the key suspended, forged webhooks, webhooks lost, doubled, late or out of order, and
Cloudbeds down for a while. Each time the phones end where Cloudbeds is, nothing doubled."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx

from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.sandbox.cloudbeds import Status, WebhookFaults
from tests.cloudbeds_e2e.hotel import (
    PROPERTY,
    SECRET,
    CloudbedsHotel,
    open_cloudbeds_hotel,
)
from tests.support.waiting import until

FIRST = ["Ana", "Omar", "Grace", "Wang", "Ines", "Kofi", "Lena", "Raj", "Mia", "Tomas"]
LAST = ["Lima", "Haddad", "Hopper", "Wei", "Costa", "Mensah", "Berg", "Patel", "Rossi", "Novak"]


def guest(n: int) -> tuple[str, str]:
    return FIRST[n % 10], f"{LAST[n // 10 % 10]}{n}"


def rooms(hotel: CloudbedsHotel) -> list[str]:
    """The room numbers whose phone is in Zoom (the demo hotel leaves a few out)."""
    account = hotel.sandbox.account
    return [entry.room for entry in hotel.sandbox.hotel.rooms
            if account.owner_of_extension(entry.extension) is not None]


def phones_match_cloudbeds(hotel: CloudbedsHotel) -> list[str]:
    """Rooms whose phone is not what Cloudbeds says (empty: all match)."""
    state = hotel.emulator.state
    in_house = {state.rooms[r.room_id].name: r for r in state.reservations.values()
                if r.status is Status.CHECKED_IN and r.room_id is not None}
    names = {f"{g.first_name} {g.last_name} " for r in state.reservations.values()
             for g in r.guests}
    wrong = []
    for room in rooms(hotel):
        stay = in_house.get(room)
        shown = hotel.shown(room)
        if stay is not None:
            expected = f"{stay.main_guest.first_name} {stay.main_guest.last_name}"
            if not hotel.shows(room, expected):
                wrong.append(f"{room}: {shown!r}, Cloudbeds says {expected!r}")
        elif any(shown.startswith(name) for name in names) or hotel.occupied(room):
            wrong.append(f"{room}: {shown!r}, Cloudbeds says it is vacant")
    return wrong


def stays_held(hotel: CloudbedsHotel) -> dict[str, int]:
    """Rooms holding more than one stay (a doubled guest)."""
    doubled = {}
    for room in rooms(hotel):
        state = hotel.connector.store.room(room)
        if state is not None and len(state.stays) > 1:
            doubled[room] = len(state.stays)
    return doubled


async def test_serve_builds_the_cloudbeds_adapter_from_the_settings(tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path, from_settings=True) as hotel:
        assert isinstance(hotel.adapter, CloudbedsPms)
        assert len(hotel.emulator.state.subscriptions) == 7
        hotel.arrive("Ana", "Lima", "101")
        await until(lambda: hotel.shows("101", "Ana Lima"), within=20)


async def test_a_resync_of_300_guests_and_50_webhooks_at_once_never_suspend_the_key(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        numbers = rooms(hotel)
        for n, room in enumerate(numbers[:150]):  # 300 guests: two to a room
            hotel.arrive_unannounced(*guest(n), room, sharers=(guest(n + 500),))
        hotel.ask_resync()
        for n, room in enumerate(numbers[150:167]):  # 17 arrivals: 51 webhooks
            hotel.arrive(*guest(n + 150), room)
        await until(lambda: not phones_match_cloudbeds(hotel), within=90)
        await hotel.settled(within=30)

        assert hotel.emulator.suspensions == 0
        assert hotel.emulator.gate.busiest_second() <= 5
        delivered = hotel.emulator.webhooks.count("delivered")
        assert delivered >= 50
        assert hotel.hooks.requests.count("GET /getGuestsByStatus") >= 3 + 1  # 3 pages
        assert stays_held(hotel) == {}
        sharing = hotel.connector.store.room(numbers[0])
        assert sharing is not None and len(sharing.stays[0].guests) == 2


async def test_forged_webhooks_are_not_found_and_nothing_is_stored(tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        notices = hotel.connector.store.cloud_notices
        grace = hotel.emulator.state.create_reservation(
            "Grace", "Hopper", hotel.sandbox.clock.now().date(),
            hotel.sandbox.clock.now().date() + timedelta(days=1), room="102")
        await hotel.settled()
        before = notices.counts()
        body = {"version": "1.0", "event": "reservation/status_changed",
                "timestamp": hotel.sandbox.clock.now().timestamp(), "propertyID": int(PROPERTY),
                "reservationID": grace.reservation_id, "status": "checked_in"}
        async with httpx.AsyncClient(base_url=hotel.web) as http:
            wrong = await http.post(f"/cloudbeds/{'x' * len(SECRET)}/events", json=body)
            short = await http.post("/cloudbeds/guess/events", json=body)
            other = await http.post(f"/cloudbeds/{SECRET}/events",
                                    json={**body, "propertyID": 999})
        assert (wrong.status_code, wrong.json()) == (404, {"error": "not found"})
        assert short.status_code == 404
        assert other.status_code == 200 and "another property" in other.json()["ignored"]
        assert notices.counts() == before
        assert not hotel.occupied("102") and "Hopper" not in hotel.shown("102")


async def test_a_webhook_from_outside_the_allowed_addresses_is_not_found(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(
            tmp_path, CONNECTOR_CLOUDBEDS__WEBHOOK_ALLOWED_SOURCES="203.0.113.0/24") as hotel:
        hotel.arrive("Ana", "Lima", "101")  # Cloudbeds posts it from 127.0.0.1
        await hotel.webhooks_delivered()
        refused = [d for d in hotel.emulator.webhooks.deliveries if d.outcome == "failed"]
        assert refused and len(refused) == len(hotel.emulator.webhooks.deliveries)
        assert hotel.connector.store.cloud_notices.counts().applied == 0
        assert not hotel.occupied("101")
        hotel.ask_resync()  # the daily resync (or `connector sync --pms`) still sees her
        await until(lambda: hotel.shows("101", "Ana Lima"), within=20)


async def test_lost_doubled_late_and_reordered_webhooks_converge_after_the_resync(
        tmp_path: Path) -> None:
    faults = WebhookFaults(lose=0.2, duplicate=0.2, late=0.2, reorder=0.2, late_seconds=1.0,
                           seed=5)
    async with open_cloudbeds_hotel(tmp_path, faults=faults) as hotel:
        state = hotel.emulator.state
        numbers = rooms(hotel)
        guests = [hotel.arrive(*guest(n), room) for n, room in enumerate(numbers[:8])]
        state.move(guests[0].reservation_id, numbers[20])
        state.move(guests[1].reservation_id, numbers[21])
        for stay in guests[2:5]:
            state.check_out(stay.reservation_id)
        await hotel.settled()
        faults_seen = " ".join(d.fault or "" for d in hotel.emulator.webhooks.deliveries)
        assert all(f in faults_seen for f in ("lost", "duplicate", "late", "reordered"))

        hotel.ask_resync()
        await until(lambda: not phones_match_cloudbeds(hotel), within=30)
        await hotel.settled()
        assert phones_match_cloudbeds(hotel) == []
        assert stays_held(hotel) == {}


async def test_cloudbeds_down_then_back_resyncs_and_the_outbox_catches_up(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        omar = hotel.arrive("Omar", "Haddad", "103")
        await until(lambda: hotel.shows("103", "Omar Haddad"), within=20)

        hotel.emulator.down = True
        hotel.sandbox.press_dnd(hotel.extension("103"))  # the report must wait
        outbox = hotel.connector.store.outbox
        await until(lambda: outbox.pending_counts().total("pending") == 1, within=20)
        # The connector tried to tell Cloudbeds, and found it down.
        await until(lambda: any(e.status == 503 for e in hotel.emulator.gate.log), within=20)
        ana = hotel.arrive("Ana", "Lima", "101")  # its webhooks are lost with Cloudbeds
        hotel.emulator.state.check_out(omar.reservation_id)
        await hotel.webhooks_delivered()
        room = hotel.emulator.state.room_named("103")
        assert room is not None and not room.dnd
        assert hotel.shows("103", "Omar Haddad")  # nobody told the phones yet

        hotel.emulator.down = False
        # The DND report, tried again (backing off 1 s, 2 s, 4 s… while Cloudbeds was down),
        # finds Cloudbeds back: the connector resyncs by itself.
        await until(lambda: room.dnd, within=60)
        await until(lambda: hotel.shows("101", "Ana Lima"), within=30)
        await until(lambda: hotel.shows("103", "Room 103"), within=30)
        assert ana.status is Status.CHECKED_IN
        assert hotel.emulator.suspensions == 0
        assert json.dumps(hotel.emulator.status())  # the admin view still reads
