"""A hotel on Cloudbeds, through `connector serve`'s own service: the front desk works in
Cloudbeds, the room phones follow, and what guests and staff key on the room phones reaches
Cloudbeds, every exchange checked against Cloudbeds' published spec both ways."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.pms.cloudbeds.adapter import CloudbedsPms
from connector.pms.fias.outbound import MaidStatus
from connector.sandbox.cloudbeds import Condition
from tests.cloudbeds_e2e.hotel import SECRET, CloudbedsHotel, open_cloudbeds_hotel
from tests.support.waiting import until

EVENTS = {"reservation/created", "reservation/status_changed", "reservation/dates_changed",
          "reservation/accommodation_changed", "reservation/accommodation_status_changed",
          "reservation/deleted", "housekeeping/room_condition_changed"}


def subscribed(hotel: CloudbedsHotel) -> dict[str, str]:
    """Cloudbeds' subscriptions: event -> endpoint."""
    subs = hotel.emulator.state.subscriptions.values()
    assert len(subs) == len({s.event for s in subs}), "an event subscribed twice"
    return {s.event: s.endpoint_url for s in subs}


async def test_the_connector_subscribes_its_webhooks_at_start_and_keeps_them(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        endpoint = f"{hotel.web}/cloudbeds/{SECRET}/events"
        assert subscribed(hotel) == dict.fromkeys(EVENTS, endpoint)
        first_ids = set(hotel.emulator.state.subscriptions)
        # A restart of the adapter keeps them as they are: nothing new, nothing deleted.
        await hotel.adapter.start()
        assert set(hotel.emulator.state.subscriptions) == first_ids
        ready = hotel.service.cloud.readiness() if hotel.service.cloud else None
        assert ready is not None and ready.ok


async def test_a_new_address_or_secret_replaces_the_subscriptions(tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        old = set(hotel.emulator.state.subscriptions)
        moved = hotel.settings.cloudbeds.model_copy(update={
            "public_url": "https://phones.harbourview.example",
            "webhook_secret": SecretStr("n" * 40)})
        again = CloudbedsPms(moved, tz=ZoneInfo("UTC"), clock=hotel.sandbox.clock,
                             registry=CollectorRegistry(), event_hooks=hotel.hooks.hooks())
        # One key, one limit: the restarted connector's requests share the running one's.
        again.client.limiter = hotel.adapter.client.limiter
        try:
            await again.start()
        finally:
            await again.close()
        now = hotel.emulator.state.subscriptions
        assert not old & set(now)
        assert set(subscribed(hotel).values()) == {
            f"https://phones.harbourview.example/cloudbeds/{'n' * 40}/events"}


async def test_a_check_in_a_move_and_a_check_out_in_cloudbeds_reach_the_room_phones(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        ana = hotel.arrive("Ana", "Lima", "101")
        await until(lambda: hotel.shows("101", "Ana Lima"), within=20)
        assert "GET /getReservation" in hotel.hooks.requests  # the thin webhook, read back

        hotel.emulator.state.move(ana.reservation_id, "102")
        await until(lambda: hotel.shows("102", "Ana Lima"), within=20)
        await until(lambda: hotel.shows("101", "Room 101"), within=20)  # vacant again
        assert not hotel.occupied("101") and hotel.occupied("102")

        assert hotel.may_call_abroad("102")
        hotel.emulator.state.check_out(ana.reservation_id)
        await until(lambda: hotel.shows("102", "Room 102"), within=20)
        assert not hotel.occupied("102")
        # A vacant room's phone is restricted.
        await until(lambda: not hotel.may_call_abroad("102"), within=20)
        assert hotel.webhook_problems() == []


async def test_room_status_and_dnd_keyed_on_the_room_phone_reach_cloudbeds(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        hotel.arrive("Omar", "Haddad", "103")
        await until(lambda: hotel.shows("103", "Omar Haddad"), within=20)
        room = hotel.emulator.state.room_named("103")
        assert room is not None

        hotel.sandbox.press_dnd(hotel.extension("103"))  # Zoom tells the connector
        await until(lambda: room.dnd, within=20)
        hotel.sandbox.clock.advance(90)  # Zoom: one presence change a minute
        hotel.sandbox.press_dnd(hotel.extension("103"), on=False)
        await until(lambda: not room.dnd, within=20)

        hotel.emulator.state.set_condition("104", Condition.DIRTY)
        # The attendant keys "inspected" on room 104's phone (the IVR's report).
        hotel.service.reporter.maid_status("104", MaidStatus.INSPECTED_VACANT)
        housekeeping = hotel.emulator.state.room_named("104")
        assert housekeeping is not None
        await until(lambda: housekeeping.condition is Condition.INSPECTED, within=20)
        assert hotel.hooks.requests.count("POST /postHousekeepingStatus") == 3


async def test_a_call_charge_sent_again_after_a_lost_answer_is_on_the_folio_once(
        tmp_path: Path) -> None:
    async with open_cloudbeds_hotel(tmp_path) as hotel:
        grace = hotel.arrive("Grace", "Hopper", "105")
        await until(lambda: hotel.shows("105", "Grace Hopper"), within=20)

        hotel.hooks.lose_answer_of.add("/postCustomItem")
        hotel.service.reporter.post_charge("105", 1250, "442079460018", 192,
                                           hotel.sandbox.clock.now())
        outbox = hotel.connector.store.outbox
        await until(lambda: outbox.count("answered", "posting") == 1, within=20)

        assert hotel.hooks.requests.count("POST /postCustomItem") == 2  # lost, then again
        folio = hotel.emulator.state.posted
        assert len(folio) == 1
        item = folio[0]
        assert item.reservation_id == grace.reservation_id
        assert item.items[0]["itemPrice"] == 12.5
        assert item.reference_id is not None and item.reference_id.startswith("zoomphone-")
        assert outbox.count("unknown", "posting") == 0
