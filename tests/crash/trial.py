"""One crash trial: a small hotel on the Zoom emulator (served over HTTP on loopback), a PMS
callback receiver, `connector serve` as a child process on a store on disk, a seeded rush of
signed webhook events, SIGKILLs at seeded random moments (each followed by a restart on the
same store), a few more while it catches up after the rush, then time to converge, a
graceful stop and the check.

Converging takes up to a minute after the rush: Zoom takes one presence update per user per
minute and the connector keeps that minute across restarts, so a room whose DND went on and
then off (or on, then a check-out) waits for it. The emulator's own interval is shortened
so a restarted connector is never refused; the connector's minute is what sets the pace.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import httpx

from connector.events.models import Event
from connector.reconcile.policy import room_policy
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from connector.sandbox.state import User
from connector.settings import Settings, load_settings
from tests.crash.checker import Delivery, Finding, KnownVoicemail, TrialOutcome, check
from tests.crash.child import ConnectorProcess, free_port
from tests.crash.front_desk import FrontDesk
from tests.crash.story import (
    STEP,
    LeaveVoicemail,
    RoomPhone,
    Send,
    ends_occupied,
    interleave,
    room_story,
    wakeup,
)
from tests.reporter.receiver import Receiver, serving


@dataclass(frozen=True)
class TrialConfig:
    seed: int
    floors: int = 1
    rooms_per_floor: int = 12
    # Seconds between a life's readiness and its SIGKILL, drawn uniformly (seeded); a share
    # of the kills come during start-up instead, up to `startup_kill_within` after the start.
    kill_after: tuple[float, float] = (0.1, 2.0)
    startup_kills: float = 0.15
    # Kills after the last event is acknowledged, while the connector catches up.
    settle_kills: int = 2
    # A share of the kills wait for Zoom to do a presence update or a voicemail delete and
    # come just before its held answer would: the connector never learns Zoom did it.
    targeted_kills: float = 0.4
    startup_kill_within: float = 1.5
    # The PMS's pause between two requests (uniform): a rush, but one that lasts.
    pause: tuple[float, float] = (0.0, 0.3)
    # Presence updates and voicemail deletes take effect in Zoom at once but are answered
    # this much later: a kill is then likely after Zoom did one and before the connector
    # learnt it, the windows the issue names.
    hold: float = 0.3
    presence_interval: float = 2.0
    wakeup_share: float = 0.4
    converge_within: float = 60.0


@dataclass(frozen=True)
class Kill:
    life: int
    at: float  # seconds since the trial's first start
    last_ack: str  # the last acknowledged event before the kill ("" before the first)
    in_flight: tuple[str, ...]  # Zoom calls answered in the 0.5 s before it
    aimed_at: str = ""  # for a targeted kill: what Zoom had done, its answer still held


@dataclass
class TrialResult:
    config: TrialConfig
    rooms: int
    events: int
    requests: int
    kills: list[Kill] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timeline: dict[str, list[str]] = field(default_factory=dict)  # per room, for findings
    seconds: float = 0.0
    converged_after: float | None = None  # seconds from the last restart; None: never

    def count(self, kind: str) -> int:
        return sum(f.kind == kind for f in self.findings)


def _phones(sandbox: Sandbox) -> list[RoomPhone]:
    phones = []
    for entry in sandbox.hotel.rooms:
        owner = sandbox.account.owner_of_extension(entry.extension)
        if owner is None:
            continue  # in the room map but not in Zoom: a problem room, not this test's
        phones.append(RoomPhone(entry.room, entry.extension,
                                isinstance(owner, User) and owner.client_signed_in))
    return phones


def _environment(sandbox: Sandbox, workdir: Path, webhook_secret: str,
                 callback_url: str) -> dict[str, str]:
    room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
    return {
        **sandbox.environment(str(room_map)),
        "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
        "CONNECTOR_WEBHOOK__SECRET": webhook_secret,
        "CONNECTOR_REPORTER__CALLBACK_URL": callback_url,
        "CONNECTOR_REPORTER__RETRY_BACKOFF_SECONDS": "0.2",
        "CONNECTOR_REPORTER__RETRY_BACKOFF_MAX_SECONDS": "1",
        "CONNECTOR_RECONCILE__SETTLE_SECONDS": "0.1",
        "CONNECTOR_SCHEDULING__RETRY_INTERVAL_SECONDS": "0.5",
        # No SIP lines: a wake-up that falls due fails at once and is reported (UR).
        "CONNECTOR_WAKEUP__RETRIES": "0",
        "CONNECTOR_LOG__FORMAT": "json",
    }


def _settings(env: dict[str, str]) -> Settings:
    with mock.patch.dict(os.environ, env, clear=False):
        return load_settings(_env_file=None)


class _Trial:
    def __init__(self, config: TrialConfig, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.rng = random.Random(config.seed)
        self.kill_rng = random.Random(config.seed * 7919 + 1)
        self.sandbox = Sandbox(SandboxConfig(floors=config.floors,
                                             rooms_per_floor=config.rooms_per_floor))
        for area in self.sandbox.account.common_areas.values():
            # The demo's x-to-last room has outbound calling off on purpose (scenario tests
            # cover it); here it would only never converge.
            area.policy.outbound_calling_enabled = True
        self.sandbox.options.presence_interval_seconds = config.presence_interval
        for endpoint in ("set_presence", "delete_voicemail"):
            self.sandbox.faults.hold(config.hold, endpoint=endpoint)
        self.phones = _phones(self.sandbox)
        self.voicemails = [
            KnownVoicemail(vm.id, room, vm.date_time, "before the trial (seeded)")
            for vm in self.sandbox.account.voicemails.values()
            for room in [self._room_of(vm.owner_id)] if room is not None
        ]
        self.life_starts: list[datetime] = []
        self.kills: list[Kill] = []
        self.life_marks: list[int] = []  # deliveries accepted when each kill came
        self.timeline: dict[str, list[str]] = {}
        self.started = 0.0

    def _room_of(self, owner_id: str) -> str | None:
        for phone in self.phones:
            if self.sandbox.owner(phone.extension).id == owner_id:
                return phone.room
        return None

    def _note(self, room: str, what: str) -> None:
        self.timeline.setdefault(room, []).append(
            f"{time.monotonic() - self.started:6.2f}s {what}")

    def steps(self) -> list[Send | LeaveVoicemail]:
        stories = []
        for phone in self.phones:
            story = room_story(self.rng, phone, self.config.seed)
            if ends_occupied(story) and self.rng.random() < self.config.wakeup_share:
                story.append(Send(phone.room, "wakeup_set"))
            stories.append(story)
        return interleave(self.rng, stories)

    async def run(self) -> TrialResult:
        webhook_secret = secrets.token_hex(16)
        receiver = Receiver(secrets=[webhook_secret])
        async with SandboxServer(self.sandbox), serving(receiver):
            env = _environment(self.sandbox, self.workdir, webhook_secret, receiver.url)
            settings = _settings(env)
            process = ConnectorProcess(env, self.workdir / "connector.log", free_port())
            desk = FrontDesk(process.url, webhook_secret)
            self.started = time.monotonic()
            await self._start(process)
            steps = self.steps()
            watching = asyncio.create_task(self._watch_zoom())
            sending = asyncio.create_task(self._send(desk, steps))
            killing = asyncio.create_task(self._kill_while(process, desk, receiver, sending))
            try:
                stored = await sending
                await killing
                await process.wait_ready()
                last_start = time.monotonic()
                standings = await self._converge(desk, stored, receiver)
                converged_after = (time.monotonic() - last_start
                                   if self._converged(standings, stored, receiver) else None)
            finally:
                sending.cancel()
                killing.cancel()
                watching.cancel()
                await process.stop()
            outcome = TrialOutcome(
                phones=self.phones, stored=stored,
                ack_seqs={e: a.seq for e, a in desk.acks.items()}, standings=standings,
                voicemails=self.voicemails, life_starts=self.life_starts,
                deliveries=self._deliveries(receiver), now=self.sandbox.clock.now(),
            )
            findings = check(outcome, self.sandbox, room_policy(settings, None),
                             settings.hotel.country)
        return TrialResult(self.config, len(self.phones), len(stored), desk.attempts,
                           self.kills, findings, outcome.notes, self.timeline,
                           time.monotonic() - self.started, converged_after)

    async def _start(self, process: ConnectorProcess) -> None:
        self.life_starts.append(self.sandbox.clock.now())
        await process.start()

    async def _send(self, desk: FrontDesk, steps: list[Send | LeaveVoicemail]) -> list[Event]:
        now = self.sandbox.clock.now()
        base = now.replace(microsecond=0) - STEP * (len(steps) + 10)
        stored: list[tuple[int, Event]] = []
        async with httpx.AsyncClient(timeout=5.0) as client:
            index = 0
            while index < len(steps):
                step = steps[index]
                if isinstance(step, LeaveVoicemail):
                    self._leave_voicemail(step, base + STEP * index)
                    index += 1
                    continue
                batch: list[Event] = []
                size = self.rng.randint(1, 3)
                while index < len(steps) and len(batch) < size:
                    step = steps[index]
                    if not isinstance(step, Send):
                        break
                    if step.kind == "wakeup_set":
                        step = wakeup(step.room, datetime.now(UTC) + timedelta(
                            seconds=self.rng.uniform(1, 6)))
                    batch.append(step.build(f"t{self.config.seed}-e{index}", base + STEP * index))
                    index += 1
                await asyncio.sleep(self.rng.uniform(*self.config.pause))
                acks = await desk.send(client, batch)
                for event, ack in zip(batch, acks, strict=True):
                    stored.append((ack.seq, event))
                    self._note(getattr(event, "room", "?"),
                               f"acknowledged {event.id} {_describe(event)} (seq {ack.seq}"
                               f"{', duplicate' if ack.duplicate else ''})")
        return [event for _, event in sorted(stored, key=lambda pair: pair[0])]

    def _leave_voicemail(self, step: LeaveVoicemail, at: datetime) -> None:
        phone = next(p for p in self.phones if p.room == step.room)
        vm = self.sandbox.add_voicemail(phone.extension)
        vm.date_time = at  # whole seconds, at its place on the timeline
        self.voicemails.append(KnownVoicemail(vm.id, step.room, at, step.why))
        self._note(step.room, f"voicemail {vm.id} left {step.why}, dated {at:%H:%M:%S}")

    async def _kill_while(self, process: ConnectorProcess, desk: FrontDesk,
                          receiver: Receiver, sending: asyncio.Task[list[Event]]) -> None:
        """Kill and restart until the rush is over and `settle_kills` more were done."""
        after_rush = 0
        while after_rush < self.config.settle_kills:
            if sending.done():
                after_rush += 1
            draw = self.kill_rng.random()
            aimed_at = ""
            if draw < self.config.startup_kills:
                await asyncio.sleep(self.kill_rng.uniform(0, self.config.startup_kill_within))
            elif draw < self.config.startup_kills + self.config.targeted_kills:
                await process.wait_ready()
                aimed_at = await self._zoom_acts(within=self.config.kill_after[1] + 1)
                await asyncio.sleep(self.config.hold * 0.8)
            else:
                await process.wait_ready()
                await asyncio.sleep(self.kill_rng.uniform(*self.config.kill_after))
            await self._kill(process, desk, receiver, aimed_at)
            await self._start(process)

    async def _watch_zoom(self) -> None:
        """Write what Zoom does to each room's DND and voicemail into its timeline, as it
        happens, so a finding shows it beside the events and the kills."""
        account = self.sandbox.account
        seen = 0
        shown = {u.id: (u.presence.status, u.presence.dnd_until) for u in account.users.values()}
        while True:
            for deletion in account.voicemail_deletions[seen:]:
                room = next((vm.room for vm in self.voicemails
                             if vm.id == deletion.voicemail_id), None)
                if room is not None:
                    done = "deleted" if deletion.found else "asked to delete again (gone)"
                    self._note(room, f"Zoom: voicemail {deletion.voicemail_id} {done}")
            seen = len(account.voicemail_deletions)
            for user in account.users.values():
                now = (user.presence.status, user.presence.dnd_until)
                room = self._room_of(user.id) if now != shown[user.id] else None
                if room is not None:
                    until = f" until {now[1]:%H:%M:%S}" if now[1] else ""
                    self._note(room, f"Zoom: presence {now[0]}{until}")
                shown[user.id] = now
            await asyncio.sleep(0.02)

    async def _zoom_acts(self, within: float) -> str:
        """Until Zoom does a presence update or deletes a voicemail (its answer then held);
        what it did, or "" when nothing came within `within` seconds."""
        account = self.sandbox.account
        deletes = len(account.voicemail_deletions)
        presence = {u.id: u.presence.last_update for u in account.users.values()}
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for deletion in account.voicemail_deletions[deletes:]:
                if deletion.found:
                    return f"delete of voicemail {deletion.voicemail_id}"
            deletes = len(account.voicemail_deletions)
            for user in account.users.values():
                if user.presence.last_update != presence[user.id]:
                    room = self._room_of(user.id)
                    return f"presence {user.presence.status} of room {room}"
            await asyncio.sleep(0.01)
        return ""

    async def _kill(self, process: ConnectorProcess, desk: FrontDesk,
                    receiver: Receiver, aimed_at: str = "") -> None:
        await process.kill()
        self.life_marks.append(len(receiver.accepted))
        recent = self.sandbox.clock.monotonic() - 0.5
        in_flight = tuple(f"{e.method} {e.path} {e.status}" for e in self.sandbox.log
                          if e.monotonic >= recent and e.endpoint != "oauth_token")
        last = max(desk.acks.values(), key=lambda a: a.at, default=None)
        kill = Kill(process.lives, time.monotonic() - self.started,
                    last.event_id if last else "", in_flight, aimed_at)
        self.kills.append(kill)
        for timeline in self.timeline.values():
            aim = f" (Zoom had done the {kill.aimed_at})" if kill.aimed_at else ""
            timeline.append(f"{kill.at:6.2f}s KILL of life {kill.life}{aim}")

    async def _converge(self, desk: FrontDesk, stored: list[Event],
                        receiver: Receiver) -> dict[str, dict[str, object] | None]:
        """Until every acknowledged event is applied and every due wake-up reported, or the
        time is up (the checker then says what is missing)."""
        deadline = time.monotonic() + self.config.converge_within
        standings: dict[str, dict[str, object] | None] = {}
        async with httpx.AsyncClient(timeout=5.0) as client:
            while True:
                standings = {e.id: await desk.event(client, e.id) for e in stored}
                if self._converged(standings, stored, receiver) or time.monotonic() > deadline:
                    return standings
                await asyncio.sleep(0.5)

    @staticmethod
    def _converged(standings: dict[str, dict[str, object] | None], stored: list[Event],
                   receiver: Receiver) -> bool:
        applied = all(s is not None and s["state"] == "applied" for s in standings.values())
        wakeups = sum(e.type == "wakeup_set" for e in stored)
        answers = {b["id"] for b in receiver.accepted if b["type"] == "wakeup_answer"}
        return applied and len(answers) >= wakeups

    def _deliveries(self, receiver: Receiver) -> list[Delivery]:
        marks = self.life_marks
        deliveries = []
        life = 1
        for index, body in enumerate(receiver.accepted):
            while life - 1 < len(marks) and index >= marks[life - 1]:
                life += 1
            deliveries.append(Delivery(body, life))
        return deliveries


def _describe(event: Event) -> str:
    fields = event.model_dump(exclude={"id", "occurred_at", "type", "room", "guests"})
    shown = {k: v for k, v in fields.items() if v not in (None, False, "", 1) or k == "on"}
    text = ", ".join(f"{k}={v}" for k, v in shown.items())
    return f"{event.type}({text})" if text else event.type


async def run_trial(config: TrialConfig, workdir: Path) -> TrialResult:
    """One trial in `workdir`, an existing directory (the store and the connector's log
    stay there)."""
    return await _Trial(config, workdir).run()


def verdict(results: list[TrialResult]) -> tuple[int, int, int]:
    """(lost, doubled, wrong) over every trial."""
    return (sum(r.count("lost") for r in results), sum(r.count("doubled") for r in results),
            sum(r.count("wrong") for r in results))


def _converged(result: TrialResult) -> str:
    if result.converged_after is None:
        return f"not converged {result.config.converge_within:g} s after the last restart"
    return f"converged {result.converged_after:.1f} s after the last restart"


def report(result: TrialResult) -> str:
    """One trial, as a person reads it: the counts, the kills, and each finding with the
    room's own timeline (its events, voicemails and the kills around them)."""
    c = result.config
    lines = [f"trial seed {c.seed}: {result.rooms} rooms, {result.events} events "
             f"({result.requests} requests), {len(result.kills)} kills, "
             f"{result.seconds:.1f} s ({_converged(result)}): lost {result.count('lost')}, doubled "
             f"{result.count('doubled')}, wrong {result.count('wrong')}"]
    for finding in result.findings:
        lines.append(f"  {finding}")
        for entry in result.timeline.get(finding.room or "", []):
            lines.append(f"      {entry}")
    for kill in result.kills:
        flight = "; ".join(kill.in_flight) or "no Zoom call"
        aim = f"; Zoom had done the {kill.aimed_at}, its answer held" if kill.aimed_at else ""
        lines.append(f"  kill of life {kill.life} at {kill.at:.2f} s, after "
                     f"{kill.last_ack or 'no event'}{aim}; Zoom in the last 0.5 s: {flight}")
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)
