"""A short demo day for `connector sandbox`: a few PMS events, and what they did in Zoom.

It runs the connector's real code paths (store, reconciler, Zoom client over HTTP) against the
emulated account, so a newcomer sees names change, DND set and a check-out restrict a room.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count

from connector.events.models import CheckIn, CheckOut, ClassOfService, Dnd, Event, Guest
from connector.sandbox import Sandbox
from connector.sandbox.state import User
from connector.service import Connector


async def play_demo_day(
    sandbox: Sandbox, connector: Connector, echo: Callable[[str], None]
) -> None:
    ids = count(1)
    now = sandbox.clock.now

    def event_id() -> str:
        return f"demo-{now():%Y%m%d%H%M%S}-{next(ids)}"

    def shown(room: str) -> str:
        owner = sandbox.owner(int(connector.room_map[room]))
        return owner.display_name

    def may_call(room: str) -> str:
        owner = sandbox.owner(int(connector.room_map[room]))
        policy = owner.phone.policy if isinstance(owner, User) and owner.phone else getattr(
            owner, "policy", None)
        if policy is None:
            return "?"
        home = policy.country_rules.get(connector.settings.hotel.country, 1) == 1
        return ("international" if policy.international_calling
                else "national" if home else "internal only")

    async def step(title: str, events: list[Event], rooms: list[str]) -> None:
        before = {room: shown(room) for room in rooms}
        connector.ingest(events)
        await connector.reconciler.drain()
        echo(f"  {title}")
        for room in rooms:
            echo(f"    room {room}: {before[room]!r} → {shown(room)!r}, may call: {may_call(room)}")

    echo("\nA short demo day (PMS events in, Zoom state out):")
    await step("Check-in: Ana Lima (VIP) in 101, Wang Xiaoming in 102, "
               "Omar Haddad in 126 (a common-area phone)",
               [CheckIn(id=event_id(), occurred_at=now(), room="101", reservation="R-1001",
                        guests=[Guest(first_name="Ana", last_name="Lima", vip="VIP")],
                        class_of_service=ClassOfService.UNRESTRICTED),
                CheckIn(id=event_id(), occurred_at=now(), room="102", reservation="R-1002",
                        guests=[Guest(first_name="小明", last_name="王")],
                        class_of_service=ClassOfService.NATIONAL),
                CheckIn(id=event_id(), occurred_at=now(), room="126", reservation="R-1003",
                        guests=[Guest(first_name="Omar", last_name="Haddad")])],
               ["101", "102", "126"])
    user_101 = sandbox.owner(int(connector.room_map["101"]))
    await step("Do-not-disturb for room 101 until two hours from now",
               [Dnd(id=event_id(), occurred_at=now(), room="101", on=True,
                    until=now() + timedelta(hours=2))], [])
    echo(f"    room 101 presence in Zoom: {sandbox.presence(user_101.id)['status']}")
    await step("Check-out of room 102 (name back to vacant, calls restricted, voicemail purged)",
               [CheckOut(id=event_id(), occurred_at=now(), room="102", reservation="R-1002")],
               ["102"])
    counts = connector.store.counts()
    echo(f"  The store holds {counts.events} events; {counts.dirty} room(s) still waiting "
         "for Zoom. `connector status` lists the changes made.")
