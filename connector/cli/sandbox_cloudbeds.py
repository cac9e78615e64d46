"""`connector sandbox --pms cloudbeds`: the demo hotel on Cloudbeds. The Cloudbeds emulator
holds the property (the demo hotel's rooms, one guest already in house); the connector runs
with CONNECTOR_PMS__KIND=cloudbeds against it and the emulated Zoom, subscribes its webhooks,
resyncs, and the demo day is played at Cloudbeds' front desk:

check-ins, a move and a check-out in Cloudbeds reach the room phones by webhook (each
reservation read back with getReservation); DND pressed on a room phone and a room status
keyed on one reach Cloudbeds as postHousekeepingStatus; a call abroad is rated and posted to
the guest's folio with postCustomItem and its referenceID. Cloudbeds has no wake-up calls: a
guest sets one on the room phone, the connector rings it, and the result stays here."""

from __future__ import annotations

import asyncio
import secrets
import shlex
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from connector.cli.demo_day import CALL_SECONDS, WAKEUP_NUMBER, PhoneDemo, call_story
from connector.cli.sandbox_cmd import (
    _zoom_settings,
    phone_settings,
)
from connector.cli.sandbox_service import doctor_verdict, run_service
from connector.cli.sandbox_staff import console_banner
from connector.sandbox import Sandbox
from connector.sandbox.cloudbeds import CloudbedsEmulator, CloudbedsServer, Condition
from connector.sandbox.cloudbeds import serve_cloudbeds as serve_emulator
from connector.sandbox.cloudbeds.emulator import DEFAULT_API_KEY
from connector.sandbox.cloudbeds.state import Reservation
from connector.sandbox.demo_hotel import DEMO_TARIFF
from connector.sandbox.sip.calls import Direction
from connector.sandbox.sip.side import SipSide
from connector.serve.runner import Service
from connector.service import Connector
from connector.settings import load_settings

PROPERTY_ID = "198765"
SETTLE_SECONDS = 20.0


def _free_port() -> int:
    """A loopback port free now: Cloudbeds must be told the connector's address before it
    starts (the webhooks are subscribed to it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cloudbeds_environment(cloudbeds: CloudbedsServer, public_url: str,
                          webhook_secret: str) -> dict[str, str]:
    """The connector's Cloudbeds settings for the emulator, as environment variables."""
    return {"CONNECTOR_PMS__KIND": "cloudbeds",
            "CONNECTOR_CLOUDBEDS__API_URL": cloudbeds.api_url,
            "CONNECTOR_CLOUDBEDS__API_KEY": DEFAULT_API_KEY,
            "CONNECTOR_CLOUDBEDS__PROPERTY_ID": PROPERTY_ID,
            "CONNECTOR_CLOUDBEDS__PUBLIC_URL": public_url,
            "CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET": webhook_secret}


async def serve_cloudbeds(sandbox: Sandbox, sip: SipSide, room_map: Path, store: Path,
                          zoom_token: str, *, demo: bool, web_port: int, stop: asyncio.Event,
                          echo: Callable[[str], None], doctor: bool = True,
                          check: bool = False) -> int:
    """The connector against the Cloudbeds emulator and the Zoom sandbox (and the demo day),
    until `stop` (`check`: not after the demo), after `connector doctor` (Zoom and
    Cloudbeds) unless `doctor` is False; its exit code."""
    emulator = CloudbedsEmulator(clock=sandbox.clock, property_id=PROPERTY_ID,
                                 rooms=[entry.room for entry in sandbox.hotel.rooms])
    today = sandbox.clock.now().date()
    kim = emulator.state.create_reservation("Kim", "Brown", today, today + timedelta(days=3),
                                            room="201")
    emulator.state.check_in(kim.reservation_id)  # in house before the connector starts
    port = web_port or _free_port()
    web = f"http://127.0.0.1:{port}"
    webhook_secret = secrets.token_hex(24)
    async with serve_emulator(emulator) as cloudbeds:
        env = cloudbeds_environment(cloudbeds, web, webhook_secret)
        settings = load_settings(
            zoom={**_zoom_settings(sandbox), "webhook_secret_token": zoom_token},
            rooms={"map_file": room_map}, store={"path": store},
            billing={"tariff_file": DEMO_TARIFF}, reconcile={"settle_seconds": 0.2},
            pms={"kind": "cloudbeds"},
            cloudbeds={key.removeprefix("CONNECTOR_CLOUDBEDS__").lower(): value
                       for key, value in env.items() if "CLOUDBEDS" in key},
            server={"host": "127.0.0.1", "port": port}, **phone_settings(sandbox, sip))
        if doctor and await doctor_verdict(
                settings, "connector doctor, run against the sandbox (Zoom and Cloudbeds):",
                echo):
            return 1

        async def demo_day(connector: Connector, service: Service, web: str) -> None:
            await CloudbedsDemo(sandbox, connector, sip, web, echo, emulator, service).play()

        return await run_service(
            sandbox, settings, zoom_token,
            banner=lambda web: _banner(cloudbeds, web, store, env, zoom_token),
            demo_day=demo_day if demo else None, stop=stop, echo=echo, check=check,
            keep_running="\nThe connector keeps running against the sandbox and Cloudbeds' "
                         "emulator. Press Ctrl-C to stop.")


def _banner(cloudbeds: CloudbedsServer, web: str, store: Path, env: dict[str, str],
            zoom_token: str) -> str:
    exports = "\n".join(f"  export {k}={shlex.quote(v)}" for k, v in env.items())
    return f"""
Cloudbeds emulator running: property {PROPERTY_ID}, the demo hotel's rooms.
  API (stands for https://api.cloudbeds.com/api/v1.3): {cloudbeds.api_url}
  Admin API (front desk, faults, outage, limit):      {cloudbeds.admin_url}
  Docs: docs/pms-cloudbeds.md

The connector is running against it (the same service as `connector serve`):
  Cloudbeds' webhooks: {web}/cloudbeds/<CONNECTOR_CLOUDBEDS__WEBHOOK_SECRET>/events
  Readiness:           {web}/readyz
{console_banner(web)}
  Its Cloudbeds settings (the emulator's own fake key):
{exports}
  export CONNECTOR_STORE__PATH={shlex.quote(str(store))}
  export CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN={shlex.quote(zoom_token)}
  connector doctor   # the Cloudbeds key, webhooks and rooms, in words
  connector status   # what the running connector did"""


class CloudbedsDemo(PhoneDemo):
    """The demo day at Cloudbeds' front desk."""

    def __init__(self, sandbox: Sandbox, connector: Connector, sip: SipSide, web_url: str,
                 echo: Callable[[str], None], emulator: CloudbedsEmulator,
                 service: Service) -> None:
        super().__init__(sandbox, connector, sip, web_url, echo)
        self.emulator, self.service = emulator, service
        self.guests: dict[str, Reservation] = {}

    async def settled(self, within: float = SETTLE_SECONDS) -> None:
        """Until Cloudbeds' webhooks are posted and read back, then as every demo."""
        await self.emulator.webhooks.idle()
        notices = self.connector.store.cloud_notices
        await self._until(lambda: notices.counts().pending == 0, within)
        await super().settled(within)

    def arrive(self, first: str, last: str, room: str) -> None:
        state = self.emulator.state
        today = self.sandbox.clock.now().date()
        booking = state.create_reservation(first, last, today, today + timedelta(days=2),
                                           room=room)
        self.guests[room] = state.check_in(booking.reservation_id)

    async def play(self) -> None:
        self.echo("\nA short demo day at Cloudbeds' front desk (Cloudbeds' webhooks in, each "
                  "reservation read back; Zoom out; the room phones' news back to Cloudbeds):")
        door = self.service.cloud
        assert door is not None
        deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
        while door.status().last_resync_at is None:
            if asyncio.get_running_loop().time() > deadline:
                self.echo(f"  the connector has not reached Cloudbeds: {door.status().detail}"
                          f" ({door.status().last_resync}); see the log")
                return
            await asyncio.sleep(0.1)
        await self.settled()
        subscribed = len(self.emulator.state.subscriptions)
        self.echo(f"  The connector subscribed {subscribed} Cloudbeds webhooks (postWebhook); "
                  f"its resync (getGuestsByStatus) brought in room 201: {self.shown('201')!r}")
        await self.step(
            "Cloudbeds check-ins: Ana Lima in 101, 王小明 in 102, Omar Haddad in 126 "
            "(a common-area phone)",
            self._check_ins, ["101", "102", "126"])
        await self.step("Cloudbeds moves 王小明 from 102 to 103",
                        lambda: self._move("102", "103"), ["102", "103"])
        await self.step("Cloudbeds checks out room 103 (name back to vacant, calls restricted, "
                        "voicemail purged)", lambda: self._check_out("103"), ["103"])
        await self.dnd_from_the_phone("201")
        await self.outside_call("101")
        self.echo("\nThe telephone side (the connector's SIP lines on the emulated Zoom Phone):")
        if not await self.lines_ready():
            return
        await self.guest_wakeup("101")
        await self.housekeeping_call("103")

    async def _check_ins(self) -> None:
        self.arrive("Ana", "Lima", "101")
        self.arrive("小明", "王", "102")
        self.arrive("Omar", "Haddad", "126")

    async def _move(self, old: str, new: str) -> None:
        stay = self.guests.pop(old)
        self.guests[new] = self.emulator.state.move(stay.reservation_id, new)

    async def _check_out(self, room: str) -> None:
        self.emulator.state.check_out(self.guests.pop(room).reservation_id)

    async def _guest_service(self, room: str, status: str) -> bool:
        on = status == "8"
        found = self.emulator.state.room_named(room)
        assert found is not None
        if not await self._until(lambda: found.dnd is on):
            self.echo(f"    Cloudbeds did not get room {room}'s DND {'on' if on else 'off'}; "
                      "see the log")
            return False
        self.echo(f"    Cloudbeds received postHousekeepingStatus: room {room} doNotDisturb="
                  f"{'true' if on else 'false'}")
        return True

    async def _call_charge(self, room: str, call_id: str) -> None:
        stay = self.guests.get(room)
        posted = self.emulator.state.posted
        if stay is None or not await self._until(
                lambda: any(p.reservation_id == stay.reservation_id for p in posted)):
            self.echo(f"    Cloudbeds received no charge for room {room}; "
                      f"`connector calls --room {room}` says why")
            return
        item = next(p for p in posted if p.reservation_id == stay.reservation_id)
        line = item.items[0]
        price = float(str(line.get("itemPrice", 0)))
        self.echo(f"    Cloudbeds' folio of reservation {stay.reservation_id}: "
                  f"{line.get('itemName')} {price:.2f} "
                  f"{self.emulator.state.currency} (postCustomItem, referenceID "
                  f"{item.reference_id}: a re-send is never a second item)")

    async def guest_wakeup(self, room: str) -> None:
        """The guest keys a wake-up on the room phone (Cloudbeds has none): the connector
        rings it; the result stays with the connector."""
        extension = self.connector.room_map[room]
        due = self._wakeup_minute().astimezone(ZoneInfo(self.connector.settings.hotel.timezone))
        keyed = f"1{due:%H%M}1"
        self.echo(f"  Room {room}'s phone dials the wake-up service ({WAKEUP_NUMBER}) and keys "
                  f"{keyed} (set, {due:%H:%M}, confirm)")
        sent_at = self.sandbox.clock.now()
        call = await self.sip.room_calls(extension=extension, dialled=WAKEUP_NUMBER,
                                         digits=keyed)
        self.echo(f"    {call_story(call)}")
        wait = (due - self.sandbox.clock.now()).total_seconds()
        try:
            ring = await self.sip.calls.wait_for(
                lambda c: c.direction is Direction.TO_ROOM and c.extension == extension
                and c.started_at >= sent_at and c.ended, within=max(wait, 0) + CALL_SECONDS)
        except TimeoutError:
            self.echo(f"    no wake-up call rang room {room} in time; see `connector wakeups`")
            return
        self.echo(f"    the wake-up call: {call_story(ring)}; Cloudbeds has no wake-up calls, so "
                  "the result stays here (`connector wakeups`)")

    async def _maid_status_heard(self, room: str) -> None:
        found = self.emulator.state.room_named(room)
        assert found is not None
        if not await self._until(lambda: found.condition is Condition.CLEAN):
            self.echo(f"    Cloudbeds shows room {room} {found.condition.value}; see the log")
            return
        self.echo(f"    Cloudbeds received postHousekeepingStatus: room {room} "
                  f"roomCondition={found.condition.value}")

    async def _until(self, check: Callable[[], bool], within: float = SETTLE_SECONDS) -> bool:
        deadline = asyncio.get_running_loop().time() + within
        while not check():
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True
