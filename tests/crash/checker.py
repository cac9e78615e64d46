"""What a crash trial must end with, and every way it did not, named by room.

The expectation is the acknowledged events folded once, in the order the connector stored
them, with no crash in between (the fold is pure: `MemoryRooms`); Zoom must show that: the
names the hotel's templates give, DND, the outbound rules the class of service gives, and no
voicemail left before the current stay (or, vacant, before the check-out), none newer gone.

Three counts, as the bench prints them:
- lost: an acknowledged event that is not in the store or never applied; a wake-up that
  fell due and was never reported to the PMS;
- doubled: an event stored twice; a voicemail deleted again after Zoom had deleted it,
  within one life of the process or by a life started after the first delete; one wake-up
  reported under two report ids, or one report delivered twice within one life;
- wrong: a room whose Zoom state differs from the expectation (what differs is said).

A report delivered again by a later life (the process was killed between the PMS's answer
and recording it) is the documented contract (docs/reporter.md: same id, safe to repeat)
and is noted, not counted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.events.models import Event, WakeupSet
from connector.rooms.naming import room_names
from connector.rooms.planner import RoomPolicy
from connector.sandbox import Sandbox
from connector.sandbox.state import DND, CommonArea, User
from tests.crash.story import RoomPhone
from tests.support.memory_rooms import MemoryRooms


@dataclass(frozen=True)
class Finding:
    kind: str  # lost | doubled | wrong
    room: str | None
    what: str

    def __str__(self) -> str:
        where = f"room {self.room}: " if self.room else ""
        return f"{self.kind}: {where}{self.what}"


@dataclass(frozen=True)
class KnownVoicemail:
    """A voicemail in Zoom at the trial's start or left during it."""

    id: str
    room: str
    left_at: datetime
    why: str


@dataclass(frozen=True)
class Delivery:
    """One report the PMS's callback accepted, and the process life that sent it."""

    body: dict[str, Any]
    life: int


@dataclass
class TrialOutcome:
    """Everything the checker reads, gathered by the trial."""

    phones: list[RoomPhone]
    stored: list[Event]  # acknowledged, in the order of their inbox seq
    ack_seqs: dict[str, int]
    standings: dict[str, dict[str, Any] | None]  # GET /v1/events/{id}; None: 404
    voicemails: list[KnownVoicemail]
    life_starts: list[datetime]  # sandbox clock; life n started at life_starts[n - 1]
    deliveries: list[Delivery]
    now: datetime
    notes: list[str] = field(default_factory=list)


def check(outcome: TrialOutcome, sandbox: Sandbox, policy: RoomPolicy,
          country: str) -> list[Finding]:
    """Every finding of one trial (none: the trial passed)."""
    expected = MemoryRooms()
    expected.apply(*outcome.stored)
    findings = _events(outcome)
    for phone in outcome.phones:
        findings += _room(phone, expected, outcome, sandbox, policy, country)
    findings += _deletions(outcome, sandbox)
    findings += _reports(outcome)
    return findings


def _events(outcome: TrialOutcome) -> list[Finding]:
    found: list[Finding] = []
    for event in outcome.stored:
        room = getattr(event, "room", None)
        standing = outcome.standings.get(event.id)
        if standing is None:
            found.append(Finding("lost", room, f"event {event.id} ({event.type}) was "
                                 "acknowledged but GET /v1/events answers 404"))
        elif standing["seq"] != outcome.ack_seqs[event.id]:
            found.append(Finding("doubled", room, f"event {event.id} ({event.type}) was "
                                 f"acknowledged as seq {outcome.ack_seqs[event.id]} but the "
                                 f"store has it as seq {standing['seq']}"))
        elif standing["state"] != "applied":
            found.append(Finding("lost", room, f"event {event.id} ({event.type}) is "
                                 f"{standing['state']}, not applied: {standing.get('error')}"))
    return found


def _room(phone: RoomPhone, expected: MemoryRooms, outcome: TrialOutcome, sandbox: Sandbox,
          policy: RoomPolicy, country: str) -> list[Finding]:
    state = expected.room(phone.room)
    owner = sandbox.owner(phone.extension)
    found: list[Finding] = []

    def wrong(what: str) -> None:
        found.append(Finding("wrong", phone.room, what))

    names = room_names(state, str(phone.extension), occupied=policy.occupied_name,
                       vacant=policy.vacant_name)
    if isinstance(owner, User):
        shown = (owner.first_name, owner.last_name, owner.display_name)
        wanted = (names.first_name, names.last_name, names.display_name)
        if shown != wanted:
            wrong(f"Zoom shows the name {shown}, expected {wanted}")
    elif owner.display_name != names.display_name:
        wrong(f"Zoom shows the name {owner.display_name!r}, expected {names.display_name!r}")

    if phone.has_presence:
        assert isinstance(owner, User)
        want_dnd = state.occupied and state.dnd.active(outcome.now)
        in_dnd = owner.presence.at(outcome.now) == DND
        if in_dnd != want_dnd:
            wrong(f"Zoom's presence is {'DND' if in_dnd else 'not DND'}"
                  f" (until {owner.presence.dnd_until}), expected "
                  f"{'DND' if want_dnd else 'no DND'} ("
                  f"{'occupied' if state.occupied else 'vacant'}, DND wish {state.dnd.on})")

    level = policy.restriction.level(state.occupied, state.effective_class_of_service())
    if level is not None:
        rules = owner.policy if isinstance(owner, CommonArea) else owner.phone.policy  # type: ignore[union-attr]
        shown_rules = (rules.international_calling, rules.country_rules.get(country, 1) == 1)
        if shown_rules != (level.international_allowed, level.domestic_allowed):
            wrong(f"Zoom lets the room dial international={shown_rules[0]}, "
                  f"domestic={shown_rules[1]}; class {state.effective_class_of_service()} "
                  f"({'occupied' if state.occupied else 'vacant'}) means {level.value}")

    before = state.no_voicemail_before
    present = {vm.id for vm in sandbox.account.voicemails.values() if vm.owner_id == owner.id}
    for vm in outcome.voicemails:
        if vm.room != phone.room:
            continue
        old = before is not None and vm.left_at < before
        if old and vm.id in present:
            wrong(f"voicemail {vm.id} left {vm.why} at {vm.left_at:%H:%M:%S} survived; "
                  f"nothing left before {before:%H:%M:%S} may stay")
        elif not old and vm.id not in present:
            wrong(f"voicemail {vm.id} left {vm.why} at {vm.left_at:%H:%M:%S} was deleted; "
                  f"only messages left before {_hms(before)} may go")
    return found


def _hms(when: datetime | None) -> str:
    return "never" if when is None else f"{when:%H:%M:%S}"


def _deletions(outcome: TrialOutcome, sandbox: Sandbox) -> list[Finding]:
    rooms = {vm.id: vm.room for vm in outcome.voicemails}
    first_done: dict[str, datetime] = {}
    found: list[Finding] = []
    for deletion in sandbox.account.voicemail_deletions:
        done = first_done.get(deletion.voicemail_id)
        if deletion.found:
            first_done[deletion.voicemail_id] = deletion.at
            continue
        if done is None:
            continue  # never there: not ours to judge
        # Deletes take effect as they arrive (answers may be held, never the effect), so the
        # life that sent one is the last to start before it.
        life = bisect.bisect_right(outcome.life_starts, deletion.at)
        first_life = bisect.bisect_right(outcome.life_starts, done)
        if life == first_life or outcome.life_starts[life - 1] > done:
            found.append(Finding("doubled", rooms.get(deletion.voicemail_id),
                                 f"voicemail {deletion.voicemail_id} deleted at "
                                 f"{done:%H:%M:%S.%f} (life {first_life}) was deleted again at "
                                 f"{deletion.at:%H:%M:%S.%f} by life {life}"))
        else:
            outcome.notes.append(f"voicemail {deletion.voicemail_id}: life {life} asked to "
                                 f"delete it again; it had started before life {first_life}'s "
                                 "delete took effect")
    return found


def _reports(outcome: TrialOutcome) -> list[Finding]:
    found: list[Finding] = []
    seen: dict[str, Delivery] = {}
    by_wakeup: dict[tuple[str, datetime], set[str]] = {}
    for delivery in outcome.deliveries:
        body = delivery.body
        first = seen.get(body["id"])
        if first is not None:
            if first.life == delivery.life:
                found.append(Finding("doubled", body.get("room"), f"report {body['id']} "
                                     f"({body['type']}) was delivered twice by life "
                                     f"{delivery.life}"))
            else:
                outcome.notes.append(f"report {body['id']} delivered again by life "
                                     f"{delivery.life} after a kill (same id)")
            continue
        seen[body["id"]] = delivery
        if body["type"] == "wakeup_answer":
            key = (body["room"], datetime.fromisoformat(body["requested_at"]))
            by_wakeup.setdefault(key, set()).add(body["id"])
    for event in outcome.stored:
        if not isinstance(event, WakeupSet) or event.at > outcome.now:
            continue
        ids = by_wakeup.get((event.room, event.at), set())
        if not ids:
            found.append(Finding("lost", event.room, f"the wake-up of {event.at:%H:%M:%S} "
                                 f"(event {event.id}) fell due but was never reported"))
        elif len(ids) > 1:
            found.append(Finding("doubled", event.room, f"the wake-up of {event.at:%H:%M:%S}"
                                 f" was reported {len(ids)} times: {sorted(ids)}"))
    return found
