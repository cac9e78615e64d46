"""A short demo day for `connector sandbox`, through the real doors: a FIAS PMS simulator
sends check-ins and a check-out over a socket, a signed webhook sets a DND, and the running
service (the same one `connector serve` runs) converges the emulated Zoom. It prints what
changed, so a newcomer sees names, DND and restrictions follow the PMS."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx

from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox
from connector.sandbox.fias_pms.simulator import FiasPms
from connector.sandbox.state import User
from connector.service import Connector
from connector.web.signing import signature_headers


class DemoDay:
    def __init__(self, sandbox: Sandbox, connector: Connector, pms: FiasPms, web_url: str,
                 secret: str, echo: Callable[[str], None]) -> None:
        self.sandbox, self.connector, self.pms = sandbox, connector, pms
        self.web_url, self.secret, self.echo = web_url, secret, echo

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
            "FIAS check-ins: Ana Lima (VIP) in 101, Wang Xiaoming in 102, Omar Haddad in 126 "
            "(a common-area phone)",
            lambda: self.fias(
                Record.of("GI", ("RN", "101"), ("G#", "1001"), ("GN", "Lima"), ("GF", "Ana"),
                          ("GV", "VIP"), ("CS", "3")),
                Record.of("GI", ("RN", "102"), ("G#", "1002"), ("GN", "王"), ("GF", "小明"),
                          ("CS", "2")),
                Record.of("GI", ("RN", "126"), ("G#", "1003"), ("GN", "Haddad"),
                          ("GF", "Omar"))),
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
        counts = self.connector.store.counts()
        self.echo(f"  The store holds {counts.events} events; {counts.dirty} room(s) still "
                  "waiting for Zoom. `connector status` lists the changes made.")
