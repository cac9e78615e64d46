"""The demo day through OPERA Cloud: the front desk works in the emulated OPERA (check-ins, a
move, a name change, a check-out, a wake-up), OHIP's stream carries each business event to
the running service, which converges the emulated Zoom; the room phones answer back through
OHIP's REST API (the wake-up's result, a room status keyed on the phone, a call charge)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from connector.cli.demo_day import (
    CALL_SECONDS,
    DND_HELD_SECONDS,
    PhoneDemo,
    call_story,
)
from connector.sandbox import Sandbox
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.model import Reservation, RoomCondition, WakeUpStatus
from connector.sandbox.sip.calls import Direction
from connector.sandbox.sip.side import SipSide
from connector.service import Connector

SETTLE_IN_SECONDS = DND_HELD_SECONDS  # longer than the call and its ringing


class OhipDemoDay(PhoneDemo):
    def __init__(self, sandbox: Sandbox, connector: Connector, opera: OhipEmulator,
                 sip: SipSide, web_url: str, echo: Callable[[str], None]) -> None:
        super().__init__(sandbox, connector, sip, web_url, echo)
        self.opera = opera
        self.tz = ZoneInfo(connector.settings.hotel.timezone)

    async def play(self) -> None:
        state = self.opera.state
        self.echo("\nA short demo day (the front desk in OPERA Cloud; OHIP's stream in, "
                  "Zoom out):")
        await self.settled()
        self.echo(f"  The start's resync read OPERA's in-house list: room 201 shows "
                  f"{self.shown('201')!r}")
        guests: dict[str, Reservation] = {}

        async def check_ins() -> None:
            for room, first, last, vip, title in (
                    ("101", "Ana", "Lima", "VIP", ""), ("102", "Xiaoming", "Wang", "", ""),
                    ("126", "Omar", "Haddad", "", "Dr.")):
                reservation = state.create_reservation(first, last, room=room, vip=vip,
                                                       title=title)
                guests[room] = state.check_in(reservation.id)
            await self._events_in()

        await self.step("OPERA check-ins: Ana Lima (VIP) in 101, Xiaoming Wang in 102, "
                        "Dr. Omar Haddad in 126 (a common-area phone)", check_ins,
                        ["101", "102", "126"])

        async def move() -> None:
            state.move(guests["102"].id, "103")
            await self._events_in()

        await self.step("OPERA room move: Xiaoming Wang from 102 to 103 (UPDATE RESERVATION)",
                        move, ["102", "103"])

        async def rename() -> None:
            state.change_guest(guests["101"].id, surname="Lima-Souza")
            await self._events_in()

        await self.step("OPERA name change: Ana Lima is now Ana Lima-Souza", rename, ["101"])

        async def check_out() -> None:
            state.check_out(guests["102"].id)
            await self._events_in()

        await self.step("OPERA check-out of room 103 (name back to vacant, calls restricted, "
                        "voicemail purged)", check_out, ["103"])
        await self.outside_call("101")
        self.echo("\nThe telephone side (the connector's SIP lines on the emulated Zoom Phone):")
        if await self.lines_ready():
            await self.wakeup_call("101", guests["101"])
            await self.housekeeping_call("102")
        counts = self.connector.store.counts()
        self.echo(f"  The store holds {counts.events} events; {counts.dirty} room(s) still "
                  "waiting for Zoom. `connector status` lists the changes made.")

    async def _events_in(self, within: float = 15.0) -> None:
        """Until the door stored every event OHIP streamed so far (its offset is OHIP's
        newest) and applied them all."""
        notices = self.connector.store.cloud_notices
        newest = str(self.opera.log.last_offset)
        await _until(lambda: notices.offset("ohip") == newest
                     and notices.counts().pending == 0, within)

    async def outside_call(self, room: str) -> None:
        """The guest calls London; the charge reaches the reservation's folio in OPERA."""
        # The call has ended when it is placed: it began a minute and more ago, which must
        # be after the guest checked in, or it would be the vacant room's.
        self.sandbox.clock.advance(SETTLE_IN_SECONDS)
        self.echo(f"  (the sandbox clock moves {SETTLE_IN_SECONDS} s forward: the guest "
                  "settles in)")
        await super().outside_call(room)

    async def _call_charge(self, room: str, call_id: str) -> None:
        postings = self.opera.state.postings
        if not await _until(lambda: bool(postings)):
            self.echo(f"    OPERA received no charge for room {room}; "
                      f"`connector calls --room {room}` says why")
            return
        posting = postings[-1]
        self.echo(f"    OPERA's folio of reservation {posting.reservation_id} (room "
                  f"{posting.room}) got {posting.currency} {posting.amount:.2f} with transaction "
                  f"code {posting.transaction_code}, remark {posting.remark!r} (OHIP "
                  "postBillingCharges; the dialled number stays off the folio)")

    async def _guest_service(self, room: str, status: str) -> bool:
        self.echo(f"    OPERA Cloud's APIs have no DND to write: room {room}'s DND stays "
                  "on the phone (docs/pms-ohip.md)")
        return False

    async def wakeup_call(self, room: str, guest: Reservation) -> None:
        """A wake-up set in OPERA for the next minute rings the room; its result goes back
        to OPERA as a PUT holding the requested time."""
        extension = self.connector.room_map[room]
        due = self._wakeup_minute()
        sent_at = self.sandbox.clock.now()
        local = due.astimezone(self.tz).replace(tzinfo=None)
        self.opera.state.add_wakeup(guest.id, local)
        self.echo(f"  OPERA: the front desk sets a wake-up for room {room} at {local:%H:%M} "
                  f"(CREATE WAKE UP CALL); waiting for the call (about "
                  f"{(due - sent_at).total_seconds():.0f} s)")
        try:
            call = await self.sip.calls.wait_for(
                lambda c: c.direction is Direction.TO_ROOM and c.extension == extension
                and c.started_at >= sent_at and c.ended,
                within=(due - sent_at).total_seconds() + CALL_SECONDS)
        except TimeoutError:
            self.echo(f"    room {room} was not called in time; see `connector wakeups`")
            return
        self.echo(f"    room {room}'s phone (extension {extension}): {call_story(call)}")
        wakeup = guest.wakeups[-1]
        if not await _until(lambda: wakeup.status is not WakeUpStatus.PENDING):
            self.echo("    OPERA's wake-up call was not answered back in time; see the log")
            return
        self.echo(f"    OPERA's wake-up call at {wakeup.call_time:%H:%M} is now "
                  f"{wakeup.status.value} (PUT by the connector, with the requested time)")

    async def _maid_status_heard(self, room: str) -> None:
        """OPERA's room status follows what the attendant keyed."""
        record = self.opera.state.room(room)
        if not await _until(lambda: record.condition is RoomCondition.CLEAN):
            self.echo(f"    OPERA's room {room} did not turn clean; see the log")
            return
        self.echo(f"    OPERA's room {room} is now {record.condition.value}, "
                  f"{record.front_office.value} (PUT /hsk/…/rooms/status)")


async def _until(check: Callable[[], bool], within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def in_house_guest(opera: OhipEmulator, room: str, first: str, last: str) -> Reservation:
    """A guest already in house before the connector starts (the resync brings them in)."""
    reservation = opera.state.create_reservation(first, last, room=room)
    return opera.state.check_in(reservation.id)

