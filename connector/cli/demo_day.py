"""A short demo day for `connector sandbox`, through the real doors: a FIAS PMS simulator
sends check-ins and a check-out over a socket, a signed webhook sets a DND, and the running
service (the same one `connector serve` runs) converges the emulated Zoom. It prints what
changed, so a newcomer sees names, DND and restrictions follow the PMS.

A guest presses DND on the room phone and later turns it off: Zoom's signed presence
webhook reaches the service and the PMS gets the guest service status (RE RS 8, then RS 10).
A guest calls London from the room phone: Zoom records the call and sends its signed
call-history webhook to the service, which rates it by the demo tariff and posts it to the
PMS as a FIAS PS with the amount (`connector calls` lists it afterwards).

Then the telephone side: the PMS sets a wake-up over FIAS, the connector's SIP line rings
the room's emulated phone, the guest presses 9 and the PMS gets WA OK; a room attendant
keys "clean" on a room phone and the PMS gets the maid status (RE RS).

`PhoneDemo` holds the PMS-neutral steps; `DemoDay` plays them with the FIAS simulator, and
`connector.cli.sandbox_cloudbeds` with the Cloudbeds emulator."""

from __future__ import annotations

import asyncio
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import httpx

from connector.billing.guest_report import class_words
from connector.billing.money import format_major, minor_units_of
from connector.cli.calls_tariff import hotel_tariff
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox
from connector.sandbox.calls import RECORD_DELAY_SECONDS, CallOrder
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.sip.calls import Direction, PhoneCall
from connector.sandbox.sip.side import SipSide
from connector.sandbox.state import User
from connector.service import Connector
from connector.web.signing import signature_headers

# The numbers room phones dial for the connector's services (CONNECTOR_IVR__*_NUMBER).
HOUSEKEEPING_NUMBER = "7001"
WAKEUP_NUMBER = "7002"
# The wake-up is set for a whole minute (as a PMS sets them); the sandbox clock is moved
# forward so that minute is this many seconds away, and the demo need not wait for it.
WAKEUP_LEAD_SECONDS = 6
CALL_SECONDS = 40.0  # ring, message, confirmation, answer to the PMS: well within this
# The guest turns DND off a while after turning it on: past the connector's own presence
# change (its echo window) and Zoom's one change a minute for the connector's follow-up.
DND_HELD_SECONDS = 90
# The guest's call abroad: a London number from Ofcom's range for drama, 1 min 5 s of talk.
# The call has ended when the demo places it, so it started this long (and a few seconds of
# ringing) ago: after the guest checked in, which was more than DND_HELD_SECONDS ago, or the
# call would be the vacant room's.
LONDON = "+442079460018"
LONDON_TALK_SECONDS = 65
LONDON_RING_SECONDS = 5
GUEST_SERVICE = {"8": "do not disturb on", "9": "make-up room on", "10": "all off"}
MAID_STATUS = {"1": "dirty, vacant", "2": "dirty, occupied", "3": "clean, vacant",
               "4": "clean, occupied", "5": "inspected, vacant", "6": "inspected, occupied"}


class PhoneDemo(ABC):
    """The PMS-neutral steps of a demo day: what the room phones show, a step that says
    what it changed, DND and a call abroad from the room phone, the SIP lines, a
    housekeeping call. Each PMS's demo says what its PMS heard (the abstract methods)."""

    def __init__(self, sandbox: Sandbox, connector: Connector, sip: SipSide, web_url: str,
                 echo: Callable[[str], None]) -> None:
        self.sandbox, self.connector, self.sip = sandbox, connector, sip
        self.web_url, self.echo = web_url, echo

    def shown(self, room: str) -> str:
        return self.sandbox.owner(int(self.connector.room_map[room])).display_name

    def may_call(self, room: str) -> str:
        owner = self.sandbox.owner(int(self.connector.room_map[room]))
        policy = owner.phone.policy if isinstance(owner, User) and owner.phone else getattr(
            owner, "policy", None)
        if policy is None:
            return "?"
        home = policy.country_rules.get(self.connector.settings.hotel.country, 1) == 1
        return ("international" if policy.international_calling
                else "national" if home else "internal only")

    async def settled(self, within: float = 15.0) -> None:
        """Until every room the PMS changed is confirmed in Zoom."""
        deadline = time.monotonic() + within
        await asyncio.sleep(0.3)  # let the records arrive and settle
        # The store is the truth here; it has no change notification to wait on.
        while self.connector.store.counts().dirty and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)

    async def step(
        self, title: str, act: Callable[[], Awaitable[None]], rooms: list[str]
    ) -> None:
        before = {room: self.shown(room) for room in rooms}
        await act()
        await self.settled()
        self.echo(f"  {title}")
        for room in rooms:
            self.echo(f"    room {room}: {before[room]!r} → {self.shown(room)!r}, "
                      f"may call: {self.may_call(room)}")

    async def dnd_from_the_phone(self, room: str) -> None:
        """The guest presses DND on the room phone, and turns it off later: Zoom sends its
        presence webhook to the service, which tells the PMS (RS 8, then RS 10)."""
        if self.sandbox.webhooks.subscription is None:
            self.echo(f"  Zoom's events are not subscribed: DND from room {room}'s phone "
                      "cannot reach the connector; skipped")
            return
        extension = int(self.connector.room_map[room])
        self.sandbox.press_dnd(extension)
        self.echo(f"  The guest in room {room} presses DND on the room phone (extension "
                  f"{extension}); Zoom sends user.presence_status_updated, signed")
        if not await self._guest_service(room, "8"):
            return
        await self.settled()
        self.sandbox.clock.advance(DND_HELD_SECONDS)
        self.echo(f"  (the sandbox clock moves {DND_HELD_SECONDS} s forward) The guest "
                  "presses DND again: off")
        self.sandbox.press_dnd(extension, on=False)
        await self._guest_service(room, "10")
        await self.settled()

    @abstractmethod
    async def _guest_service(self, room: str, status: str) -> bool:
        """Until the PMS heard the guest service status `status` (8 DND on, 10 all off) for
        `room`, saying so; False (said) when it did not in time."""

    async def outside_call(self, room: str) -> None:
        """The guest calls London from the room phone; Zoom records the call some seconds
        after hang-up and sends `phone.caller_call_history_completed` to the service."""
        webhooks = self.sandbox.webhooks
        if webhooks.subscription is None:
            self.echo(f"  Zoom's events are not subscribed: room {room}'s call abroad cannot "
                      "reach the connector; skipped")
            return
        extension = int(self.connector.room_map[room])
        sent = len(webhooks.deliveries)
        call = self.sandbox.place_call(CallOrder(extension, LONDON,
                                                 talk_seconds=LONDON_TALK_SECONDS,
                                                 ring_seconds=LONDON_RING_SECONDS))
        minutes, seconds = divmod(LONDON_TALK_SECONDS, 60)
        self.echo(f"  The guest in room {room} calls {LONDON} (London) from the room phone "
                  f"(extension {extension}) and talks {minutes} min {seconds} s")
        # Only Zoom's few seconds: the sandbox clock must stay within Zoom's 5-minute replay
        # window of a connector started by hand against the sandbox.
        self.sandbox.clock.advance(RECORD_DELAY_SECONDS)
        self.echo(f"  (the sandbox clock moves {RECORD_DELAY_SECONDS:.0f} s forward) Zoom "
                  f"records call {call.call_id} and sends phone.caller_call_history_completed,"
                  " signed")
        delivery = webhooks.deliveries[sent]
        try:
            await asyncio.wait_for(delivery.tried.wait(), 15)
        except TimeoutError:
            self.echo("    Zoom's webhook was not sent in time; see `GET /_sandbox/webhooks`")
            return
        status = delivery.attempts[0].status
        self.echo(f"    the connector answered {status or 'nothing'}: {delivery.answer}")
        await self._call_charge(room, call.call_id)

    @abstractmethod
    async def _call_charge(self, room: str, call_id: str) -> None:
        """What call accounting made of the call: the charge the PMS received, or why there
        is none."""

    async def lines_ready(self) -> bool:
        """The connector's SIP lines registered (said); False when none is."""
        device = self.sandbox.account.devices[self.sandbox.hotel.connector_device_id]
        await self.sip.wait_registered(len(device.sip_accounts), within=15)
        async with httpx.AsyncClient() as http:
            ready = (await http.get(f"{self.web_url}/readyz")).json()
        lines = next((c for c in ready["checks"] if c["name"] == "sip_lines"), None)
        if lines is None or not lines["ok"]:
            self.echo(f"  no SIP line registered ({lines}); skipping the calls")
            return False
        self.echo(f"  /readyz sip_lines ok: {lines['detail']} to the SIP side at "
                  f"{self.sip.address}")
        return True

    async def housekeeping_call(self, room: str) -> None:
        """An attendant in the room dials housekeeping and keys the code for clean."""
        extension = self.connector.room_map[room]
        code = self.connector.settings.ivr.code_clean
        self.echo(f"  Room {room}'s phone (extension {extension}) dials housekeeping "
                  f"({HOUSEKEEPING_NUMBER}) and keys {code} (clean)")
        call = await self.sip.room_calls(extension=extension, dialled=HOUSEKEEPING_NUMBER,
                                         digits=code)
        self.echo(f"    {call_story(call)}")
        await self._maid_status_heard(room)

    @abstractmethod
    async def _maid_status_heard(self, room: str) -> None:
        """Say the maid status the PMS received for `room` (or that none came)."""

    def _wakeup_minute(self) -> datetime:
        """The next whole minute at least the lead away, with the sandbox clock moved
        forward so it is only the lead away (a PMS sets wake-ups to the minute)."""
        clock = self.sandbox.clock
        lead = timedelta(seconds=WAKEUP_LEAD_SECONDS)
        due = (clock.now() + lead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        jump = (due - lead - clock.now()).total_seconds()
        if jump > 1:
            clock.advance(jump)
            self.echo(f"  (the sandbox clock moves {jump:.0f} s forward, to "
                      f"{clock.now():%H:%M:%S}, so the demo need not wait for the minute)")
        return due


class DemoDay(PhoneDemo):
    """The demo day with the FIAS PMS simulator (and our signed webhook)."""

    def __init__(self, sandbox: Sandbox, connector: Connector, pms: FiasPms, sip: SipSide,
                 web_url: str, secret: str, echo: Callable[[str], None]) -> None:
        super().__init__(sandbox, connector, sip, web_url, echo)
        self.pms, self.secret = pms, secret

    async def fias(self, *records: Record) -> None:
        for record in records:
            await self.pms.send(record)

    async def webhook(self, event: dict[str, object]) -> None:
        body = json.dumps(event).encode()
        headers = {**signature_headers(body, [self.secret], int(time.time())),
                   "Content-Type": "application/json"}
        async with httpx.AsyncClient() as http:
            answer = await http.post(f"{self.web_url}/v1/pms/events", content=body,
                                     headers=headers)
        self.echo(f"    webhook answered {answer.status_code}: {answer.text}")

    async def play(self) -> None:
        now = self.sandbox.clock.now
        self.echo("\nA short demo day (PMS events in through FIAS and the webhook; Zoom out):")
        await asyncio.wait_for(self.pms.link_up.wait(), 15)
        await self.settled()
        self.echo(f"  FIAS link up; the PMS's resync brought in room 201: {self.shown('201')!r}")
        await self.step(
            "FIAS check-ins: Ana Lima (VIP) in 101, Wang Xiaoming in 102, Dr. Omar Haddad in 126 "
            "(a common-area phone)",
            lambda: self.fias(
                Record.of("GI", ("RN", "101"), ("G#", "1001"), ("GN", "Lima"), ("GF", "Ana"),
                          ("GV", "VIP"), ("CS", "3")),
                Record.of("GI", ("RN", "102"), ("G#", "1002"), ("GN", "王"), ("GF", "小明"),
                          ("CS", "2")),
                Record.of("GI", ("RN", "126"), ("G#", "1003"), ("GN", "Haddad"),
                          ("GF", "Omar"), ("GT", "Dr."))),
            ["101", "102", "126"])
        user_101 = self.sandbox.owner(int(self.connector.room_map["101"]))
        await self.step(
            "Webhook: do-not-disturb for room 101 for two hours",
            lambda: self.webhook({"type": "dnd", "id": f"demo-dnd-{int(time.time())}",
                                  "occurred_at": now().isoformat(), "room": "101", "on": True,
                                  "until": (now() + timedelta(hours=2)).isoformat()}),
            [])
        self.echo(f"    room 101 presence in Zoom: {self.sandbox.presence(user_101.id)['status']}")
        await self.step(
            "FIAS check-out of room 102 (name back to vacant, calls restricted, voicemail purged)",
            lambda: self.fias(Record.of("GO", ("RN", "102"), ("G#", "1002"))),
            ["102"])
        await self.dnd_from_the_phone("201")
        await self.outside_call("101")
        counts = self.connector.store.counts()
        self.echo(f"  The store holds {counts.events} events; {counts.dirty} room(s) still "
                  "waiting for Zoom. `connector status` lists the changes made.")
        await self.phone_day()

    async def _call_charge(self, room: str, call_id: str) -> None:
        """What call accounting made of the call (settled before the webhook's 200): the
        charge the PMS received, or why there is none."""
        kept = next((r for r in self.connector.store.calls(room=room)
                     if r.call.call_id == call_id), None)
        if kept is None or kept.rating is None or kept.p_number is None:
            state = kept.state.replace("_", " ") if kept is not None else "not kept"
            why = f" ({kept.reason})" if kept is not None and kept.reason else ""
            self.echo(f"    no charge for room {room}: {state}{why}")
            return
        try:
            posting = await self.pms.wait_for(
                "PS", lambda r: r.get("P#") == str(kept.p_number), within=15)
        except TimeoutError:
            self.echo(f"    the PMS received no charge for room {room}; "
                      f"`connector calls --room {room}` says why")
            return
        rating = kept.rating
        decimals = minor_units_of(rating.currency, hotel_tariff(self.connector.settings))
        amount = format_major(rating.amount_minor, decimals)
        self.echo(f"    the PMS received {posting} (a direct charge, PT C: TA"
                  f"{rating.amount_minor} is {rating.currency} {amount}, "
                  f"{class_words(rating.class_name).lower()}, {rating.billed_seconds} s "
                  f"billed); `connector calls --room {room}` lists it")

    async def _guest_service(self, room: str, status: str) -> bool:
        """Until the PMS received the guest service status `status` for `room`."""
        try:
            record = await self.pms.wait_for(
                "RE", lambda r: r.get("RN") == room and r.get("RS") == status, within=15)
        except TimeoutError:
            self.echo(f"    the PMS received no RS {status} for room {room}; see the log")
            return False
        self.echo(f"    the PMS received {record} (guest service status {status}: "
                  f"{GUEST_SERVICE[status]})")
        return True

    async def phone_day(self) -> None:
        """The telephone side: lines registered, a wake-up call, a housekeeping call."""
        self.echo("\nThe telephone side (the connector's SIP lines on the emulated Zoom Phone):")
        if not await self.lines_ready():
            return
        await self.wakeup_call("101")
        await self.housekeeping_call("102")

    async def wakeup_call(self, room: str) -> None:
        """The PMS sets a wake-up for the next minute; the room's phone answers and
        confirms; the PMS hears WA."""
        extension = self.connector.room_map[room]
        due = self._wakeup_minute()
        sent_at = self.sandbox.clock.now()
        wait = (due - sent_at).total_seconds()
        await self.fias(Record.of("WR", ("RN", room), ("DA", due.strftime("%y%m%d")),
                                  ("TI", due.strftime("%H%M%S"))))
        self.echo(f"  FIAS WR: wake-up for room {room} at {due:%H:%M}; waiting for the "
                  f"wake-up call at {due:%H:%M} (about {wait:.0f} s)")
        try:
            call = await self.sip.calls.wait_for(
                lambda c: c.direction is Direction.TO_ROOM and c.extension == extension
                and c.started_at >= sent_at and c.ended, within=wait + CALL_SECONDS)
            answer = await self.pms.wait_for("WA", lambda r: r.get("RN") == room, within=15)
        except TimeoutError:
            self.echo(f"    no wake-up answer for room {room} came in time; see "
                      "`connector wakeups` and the log")
            return
        self.echo(f"    room {room}'s phone (extension {extension}): {call_story(call)}")
        self.echo(f"    the PMS received {answer} (AS={answer.get('AS')}, for the requested "
                  f"time {answer.get('TI')})")

    async def _maid_status_heard(self, room: str) -> None:
        try:
            status = await self.pms.wait_for("RE", lambda r: r.get("RN") == room, within=15)
        except TimeoutError:
            self.echo(f"    the PMS received no maid status for room {room}")
            return
        rs = status.get("RS") or ""
        self.echo(f"    the PMS received {status} (RS {rs}: {MAID_STATUS.get(rs, '?')})")


def call_story(call: PhoneCall) -> str:
    """One line on what an emulated call did."""
    if call.answered_at is None:
        return f"{call.outcome.value} (SIP {call.sip_status})"
    keyed = "".join(call.digits_sent) or "nothing"
    ender = "the connector" if call.ended_by == "connector" else "the room"
    return (f"answered at {call.answered_at:%H:%M:%S}, keyed {keyed}, received "
            f"{call.audio_packets_received * 0.02:.1f} s of audio; {ender} hung up")
