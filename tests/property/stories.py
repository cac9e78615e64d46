"""Stories a hotel's PMS might tell: events at their times, with the moments the connector
ingests and reconciles, and voicemails left on the way. A story prints as a script, so a
failing example reads like the front desk's log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from connector.events.models import (
    CheckIn,
    CheckOut,
    ClassOfService,
    ClassOfServiceChange,
    Dnd,
    Event,
    Guest,
    GuestChange,
    MessageWaiting,
    ResyncEnd,
    ResyncStart,
    WakeupSet,
)
from connector.rooms.desired import fold
from tests.support.memory_rooms import MemoryRooms

# Three guest rooms that are Zoom users (not x17: those refuse presence) and one that is a
# common area. 111 is named with the room number in the demo hotel (an old hand edit).
ROOMS = ("101", "102", "111", "126")
COMMON_AREAS = frozenset({"126"})
RESYNC_IDS = ("S1", "S2")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the sandboxes' clocks start here
FIRST_EVENT = START + timedelta(minutes=5)


@dataclass(frozen=True)
class Send:
    """The PMS sends an event (it waits in the batch until the next flush or drain)."""

    event: Event
    redelivery: bool = False


@dataclass(frozen=True)
class Flush:
    """The batch so far is ingested."""


@dataclass(frozen=True)
class Drain:
    """The reconciler works every room that is due now."""


@dataclass(frozen=True)
class LeaveVoicemail:
    room: str
    at: datetime


@dataclass(frozen=True)
class Crash:
    """The connector dies this many event-loop turns into a drain and starts again."""

    after_turns: int


Step = Send | Flush | Drain | LeaveVoicemail | Crash


@dataclass(frozen=True)
class Story:
    # (room, minutes before the story's start) of each message already in the mailbox.
    old_voicemail: tuple[tuple[str, int], ...]
    steps: tuple[Step, ...]
    # Seeds how long each of Zoom's answers to hotel A takes (in event-loop turns), so that
    # rooms worked in parallel finish in varied orders; 0: every answer comes at once.
    latency_seed: int = 0

    @property
    def events(self) -> list[Event]:
        """Every event once, in the order the PMS first sent it."""
        return [s.event for s in self.steps if isinstance(s, Send) and not s.redelivery]

    @property
    def voicemails(self) -> list[LeaveVoicemail]:
        return [s for s in self.steps if isinstance(s, LeaveVoicemail)]

    @property
    def end(self) -> datetime:
        times = [FIRST_EVENT, *(e.occurred_at for e in self.events),
                 *(v.at for v in self.voicemails)]
        return max(times)

    def __repr__(self) -> str:
        old = ", ".join(f"{room} ({minutes} min)" for room, minutes in self.old_voicemail)
        lines = [f"voicemail before the story: {old or '-'}",
                 f"latency seed: {self.latency_seed}"]
        lines += [_describe(step) for step in self.steps]
        return "Story(\n  " + "\n  ".join(lines) + "\n)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints a failing example with this, dataclass or not.
        printer.text(repr(self))


def t(when: datetime) -> str:
    """A time as the story prints it: seconds from the first event."""
    return f"t+{int((when - FIRST_EVENT).total_seconds())}s"


def _guests(guests: Sequence[Guest]) -> str:
    return " & ".join(
        " ".join(filter(None, (g.vip, g.first_name, g.last_name))) or "(no name)" for g in guests
    )


def _describe(step: Step) -> str:
    match step:
        case Flush():
            return "-- flush (ingest the batch)"
        case Drain():
            return "-- drain"
        case LeaveVoicemail(room=room, at=at):
            return f"{t(at)} voicemail left in {room}"
        case Crash(after_turns=turns):
            return f"-- crash {turns} turns into a drain, and restart"
        case Send(event=event, redelivery=redelivery):
            again = " (delivered again)" if redelivery else ""
            return f"{t(event.occurred_at)} {event.id}: {_describe_event(event)}{again}"
    raise AssertionError(step)


def _describe_event(event: Event) -> str:
    match event:
        case CheckIn() | GuestChange():
            what = "check-in" if isinstance(event, CheckIn) else "guest change"
            move = f" from {event.old_room}" if isinstance(event, GuestChange) and (
                event.old_room) else ""
            share = " share" if event.share else ""
            cos = "" if event.class_of_service is None else f" cos={int(event.class_of_service)}"
            return (f"{what} {event.room}{move} res {event.reservation}{share}{cos} "
                    f"[{_guests(event.guests)}]")
        case CheckOut():
            return f"check-out {event.room} res {event.reservation}"
        case Dnd():
            until = "" if event.until is None else f" until {t(event.until)}"
            return f"dnd {'on' if event.on else 'off'} {event.room}{until}"
        case ClassOfServiceChange():
            return f"class of service {event.room} = {int(event.level)}"
        case MessageWaiting():
            return f"message light {'on' if event.on else 'off'} {event.room}"
        case WakeupSet():
            return f"wake-up {event.room} at {t(event.at)}"
        case ResyncStart():
            return f"resync start {event.resync_id}"
        case ResyncEnd():
            return f"resync end {event.resync_id}"
    raise AssertionError(event)


# -- drawing stories -----------------------------------------------------------------------

rooms = st.sampled_from(ROOMS)
classes = st.none() | st.sampled_from(ClassOfService)
guest = st.builds(
    Guest,
    first_name=st.sampled_from(["Ana", "José", "Wei", "سلمى", "Zoë", ""]),
    last_name=st.sampled_from(["Lima", "Müller", "王", "O'Neil", "Wolfeschlegelstein" * 4]),
    vip=st.sampled_from(["", "", "VIP"]),
)
guests = st.lists(guest, min_size=1, max_size=2)
# Mostly inside Zoom's presence minute, sometimes well past it.
gaps = st.integers(1, 75) | st.integers(76, 1800)
# A DND end: already over, within the story, or beyond Zoom's 24-hour cap.
dnd_ends = st.none() | st.integers(-5, 180) | st.integers(1400, 2880)
# Messages already waiting: left just before, days before, or weeks before.
voicemail_ages = st.sampled_from([30, 90, 3 * 24 * 60, 20 * 24 * 60])

# Weights, by repetition; the first of each shrinks best (it changes least).
STEP_KINDS = (["flush"] + ["event"] * 12 + ["drain"] * 4
              + ["voicemail", "resync", "redeliver", "flip_flop", "crash"])
EVENT_KINDS = (["message_waiting"] + ["check_in"] * 4 + ["check_out"] * 3 + ["dnd"] * 6
               + ["guest_change"] * 2 + ["move"] * 2 + ["class_of_service"] * 2
               + ["wakeup", "resync_start", "resync_end"])


class _Rooms(MemoryRooms):
    """Desired state in memory (a `RoomView`), for the desk to see what its events did."""


    def fold(self, event: Event) -> None:
        self._seq += 1
        self.rooms.update(fold(event, self._seq, self))


class _Desk:
    """Draws events, aimed by what the events so far made of the rooms: most check-outs,
    moves and DNDs concern a guest in house, and some do not."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.state = _Rooms()
        self.next_reservation = 1

    @property
    def where(self) -> dict[str, str]:
        """Reservation → room, of every guest in house."""
        return {stay.reservation: room for room, state in sorted(self.state.rooms.items())
                for stay in state.stays}

    def mostly(self) -> bool:
        return bool(self.draw(st.integers(0, 3)))  # three times in four

    def room(self, *, phone_users: bool = False) -> str:
        """A room, mostly one with a guest (`phone_users`: not a common area, if it can)."""
        occupied = sorted(set(self.where.values()) - (COMMON_AREAS if phone_users else set()))
        return self.draw(st.sampled_from(occupied)) if occupied and self.mostly() else (
            self.draw(rooms))

    def dnd_on(self, room: str) -> bool:
        state = self.state.get(room)
        return bool(state and state.dnd.on)

    def in_house(self) -> tuple[str, str]:
        """(reservation, room): a guest in house, or now and then one who is not."""
        where = self.where
        if where and self.mostly():
            res = self.draw(st.sampled_from(sorted(where)))
            return res, where[res]
        return self.draw(st.sampled_from(["R1", "R2", "R3"])), self.draw(rooms)

    def new_reservation(self) -> str:
        where = self.where
        if where and not self.mostly():
            return self.draw(st.sampled_from(sorted(where)))  # a repeat, or a second room
        res = f"R{self.next_reservation}"
        self.next_reservation += 1
        return res

    def send(self, event: Event) -> Event:
        self.state.fold(event)
        return event

    def draw_event(self, id_: str, at: datetime) -> Event:
        draw = self.draw
        kind = draw(st.sampled_from(EVENT_KINDS))
        if not self.where and draw(st.booleans()):
            kind = "check_in"  # an empty hotel has little else to say
        match kind:
            case "check_in":
                return CheckIn(id=id_, occurred_at=at, room=draw(rooms),
                               reservation=self.new_reservation(), guests=draw(guests),
                               share=draw(st.booleans()), class_of_service=draw(classes))
            case "check_out":
                res, room = self.in_house()
                return CheckOut(id=id_, occurred_at=at, room=room, reservation=res)
            case "guest_change" | "move":
                res, old = self.in_house()
                moving = kind == "move"
                return GuestChange(id=id_, occurred_at=at, room=draw(rooms) if moving else old,
                                   reservation=res, old_room=old if moving else None,
                                   guests=draw(guests), class_of_service=draw(classes))
            case "dnd":
                room = self.room(phone_users=True)
                return self.dnd(id_, at, room, on=self.dnd_on(room) is not self.mostly())
            case "class_of_service":
                return ClassOfServiceChange(id=id_, occurred_at=at, room=self.room(),
                                            level=draw(st.sampled_from(ClassOfService)))
            case "message_waiting":
                return MessageWaiting(id=id_, occurred_at=at, room=self.room(),
                                      on=draw(st.booleans()))
            case "wakeup":
                return WakeupSet(id=id_, occurred_at=at, room=self.room(),
                                 at=at + timedelta(hours=draw(st.integers(1, 30))))
            case "resync_start":
                return ResyncStart(id=id_, occurred_at=at,
                                   resync_id=draw(st.sampled_from(RESYNC_IDS)))
            case _:
                return ResyncEnd(id=id_, occurred_at=at,
                                 resync_id=draw(st.sampled_from(RESYNC_IDS)))

    def dnd(self, id_: str, at: datetime, room: str, *, on: bool) -> Dnd:
        minutes = self.draw(dnd_ends)
        return Dnd(id=id_, occurred_at=at, room=room, on=on,
                   until=None if minutes is None else at + timedelta(minutes=minutes))

    def snapshot(self) -> list[tuple[str, str]]:
        """The guests a full resync repeats: most of those in house, maybe one unknown."""
        kept = [(res, room) for res, room in sorted(self.where.items()) if self.mostly()]
        if not self.mostly():
            kept.append((self.new_reservation(), self.draw(rooms)))
        return kept


@st.composite
def stories(draw: st.DrawFn) -> Story:
    desk = _Desk(draw)
    old_voicemail = tuple(sorted(draw(st.dictionaries(rooms, voicemail_ages)).items()))
    steps: list[Step] = []
    sent: list[Event] = []
    at = FIRST_EVENT

    def stamp(gap: int) -> tuple[str, datetime]:
        """The next event's id and time, `gap` seconds after the last step."""
        nonlocal at
        at += timedelta(seconds=gap)
        return f"e{len(sent) + 1}", at

    def send(event: Event) -> None:
        sent.append(desk.send(event))
        steps.append(Send(event))

    for kind in draw(st.lists(st.sampled_from(STEP_KINDS), min_size=6, max_size=40)):
        match kind:
            case "event":
                send(desk.draw_event(*stamp(draw(gaps))))
            case "flush":
                steps.append(Flush())
            case "drain":
                steps.append(Drain())
            case "voicemail":
                steps.append(LeaveVoicemail(desk.room(), stamp(draw(gaps))[1]))
            case "crash":
                steps.append(Crash(draw(st.integers(0, 200))))
            case "redeliver" if sent:
                steps.append(Send(draw(st.sampled_from(sent)), redelivery=True))
            case "flip_flop":
                # The guest presses DND twice or three times within Zoom's presence minute,
                # with the reconciler at work in between.
                room = desk.room(phone_users=True)
                for _ in range(draw(st.integers(2, 3))):
                    id_, when = stamp(draw(st.integers(1, 40)))
                    send(desk.dnd(id_, when, room, on=not desk.dnd_on(room)))
                    steps.append(Drain())
            case "resync":
                # The PMS's full list (FIAS DS … DE): the guests it repeats; all others are gone.
                resync_id = draw(st.sampled_from(RESYNC_IDS))
                id_, when = stamp(draw(gaps))
                send(ResyncStart(id=id_, occurred_at=when, resync_id=resync_id))
                for res, room in desk.snapshot():
                    id_, when = stamp(1)
                    send(CheckIn(id=id_, occurred_at=when, room=room, reservation=res,
                                 guests=draw(guests)))
                    if draw(st.booleans()):
                        steps.append(Drain())
                id_, when = stamp(1)
                send(ResyncEnd(id=id_, occurred_at=when, resync_id=resync_id))
    return Story(old_voicemail, tuple(steps), draw(st.integers(0, 2**16)))
