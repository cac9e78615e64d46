"""A seeded rush for one crash trial: per room, a stay (or two) told as PMS events and the
voicemails callers leave, interleaved across rooms.

Times are on a virtual timeline in whole seconds, ten seconds a step, ending before the
trial starts: Zoom dates voicemails to the second, so a voicemail and the check-in or
check-out it must be judged against are never in the same second. Wake-ups are the one
exception: they must fall due during the trial, so their `at` is real time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from connector.events.models import ClassOfService, Event

STEP = timedelta(seconds=10)
_EVENT = TypeAdapter[Event](Event)
FIRST_NAMES = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Iyer")


@dataclass(frozen=True)
class Send:
    """A PMS event for one room, built once its id and time are known (ids are per trial)."""

    room: str
    kind: str  # the webhook's `type`
    fields: tuple[tuple[str, object], ...] = ()

    def build(self, event_id: str, at: datetime) -> Event:
        return _EVENT.validate_python({"type": self.kind, "id": event_id, "occurred_at": at,
                                       "room": self.room, **dict(self.fields)})


@dataclass(frozen=True)
class LeaveVoicemail:
    """A caller leaves a message on the room's phone, dated at its place on the timeline."""

    room: str
    why: str  # "before the stay", "during the stay", "while vacant"


Step = Send | LeaveVoicemail


@dataclass(frozen=True)
class RoomPhone:
    room: str
    extension: int
    has_presence: bool  # a Zoom user whose client is signed in: DND can be set


def room_story(rng: random.Random, phone: RoomPhone, trial: int) -> list[Step]:
    """One room's steps, in order: the guest's stay as a hotel lives it."""
    room = phone.room
    steps: list[Step] = []

    def stay(number: int) -> None:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        cos = rng.choice([None, *ClassOfService])
        steps.append(Send(room, "check_in", (
            ("reservation", f"T{trial}-{room}-{number}"),
            ("guests", [{"first_name": first, "last_name": f"{last}{number}"}]),
            ("class_of_service", cos))))
        if rng.random() < 0.6:
            steps.append(LeaveVoicemail(room, "during the stay"))
        if phone.has_presence and rng.random() < 0.7:
            steps.append(Send(room, "dnd", (("on", True),)))
            if rng.random() < 0.3:
                steps.append(Send(room, "dnd", (("on", False),)))
        if rng.random() < 0.3:
            level = rng.choice(list(ClassOfService))
            steps.append(Send(room, "class_of_service", (("level", level),)))
        if rng.random() < 0.4:
            steps.append(LeaveVoicemail(room, "during the stay"))

    if rng.random() < 0.7:
        steps.append(LeaveVoicemail(room, "before the stay"))
    number = 1
    stay(number)
    # Up to three stays; most check out, some before a new guest arrives the same day.
    while number < 3 and rng.random() < 0.7:
        steps.append(Send(room, "check_out", (("reservation", f"T{trial}-{room}-{number}"),)))
        if rng.random() < 0.5:
            steps.append(LeaveVoicemail(room, "while vacant"))
        if rng.random() < 0.35:
            break
        number += 1
        stay(number)
    return steps


def interleave(rng: random.Random, stories: list[list[Step]]) -> list[Step]:
    """Every room's steps in one rush, each room's in its own order; often two or three of a
    room's in a row, as a PMS sends a room's changes together (DND, then the check-out)."""
    queues = [list(s) for s in stories if s]
    merged: list[Step] = []
    while queues:
        queue = rng.choice(queues)
        for _ in range(rng.choice((1, 1, 2, 3))):
            merged.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
                break
    return merged


def wakeup(room: str, at: datetime) -> Send:
    """A wake-up at a real time, for a room whose guest stays."""
    return Send(room, "wakeup_set", (("at", at),))


def ends_occupied(steps: list[Step]) -> bool:
    kinds = [s.kind for s in steps if isinstance(s, Send)]
    outs = [i for i, k in enumerate(kinds) if k == "check_out"]
    ins = [i for i, k in enumerate(kinds) if k == "check_in"]
    return bool(ins) and (not outs or ins[-1] > outs[-1])
