"""Per-room reconciliation: read desired state and what we know of Zoom, plan, apply, record.

Safe to run at any time and any number of times: a room whose Zoom already matches costs
nothing; a crash between two calls is repaired by the next pass, which plans from what was
recorded after each call that succeeded. Rooms are handled one pass at a time each (a room's
events apply in order) and many rooms in parallel, paced by the Zoom client's limiters.

A room the PMS uses but the room map lacks is set aside: its state is kept, nothing is asked
of Zoom for it, and it is no failure (`unmapped_rooms`, the connector_rooms_unmapped gauge).
The map is read at start-up, so a restart with the room in it reconciles it at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from connector.clock import Clock
from connector.reconcile.applier import ZoomApplier
from connector.reconcile.backlog import Backlog, backlog
from connector.reconcile.drift import names_from_directory, outbound_from_zoom
from connector.reconcile.metrics import ReconcileMetrics
from connector.rooms.changes import Change, ClearDnd, SetDnd, describe
from connector.rooms.known import KnownZoom
from connector.rooms.planner import Plan, RoomPolicy, Target, plan
from connector.rooms.state import RoomState
from connector.rooms.unmapped import HINT as UNMAPPED_HINT
from connector.rooms.unmapped import by_room_number
from connector.store import Store
from connector.zoom.api import ZoomApi
from connector.zoom.directory import Directory, ExtensionOwner
from connector.zoom.errors import UserRateLimited, ZoomApiError, ZoomError
from connector.zoom.presence_guard import PRESENCE_INTERVAL_SECONDS

log = logging.getLogger("connector.reconcile")

# Zoom's code for a presence change it will not make: the user has no Zoom client signed in.
PRESENCE_REFUSED = 5301


@dataclass
class RoomOutcome:
    room: str
    applied: list[str] = field(default_factory=list)
    error: str | None = None
    confirmed: bool = False
    unmapped: bool = False  # not in the room map: nothing was asked of Zoom


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3
    interval_seconds: float = 60.0


# Why a change was made in Zoom when no event asked for it (kept in the journal's detail).
DRIFT_REPAIR = "drift repair: a full pass found Zoom differed from what the PMS said"
RECHECK = "re-check: the room's plan changed with time (a long DND re-asserted, voicemail due)"


class Reconciler:
    def __init__(
        self,
        *,
        store: Store,
        api: ZoomApi,
        directory: Directory,
        applier: ZoomApplier,
        policy: RoomPolicy,
        clock: Clock,
        retry: RetryPolicy | None = None,
        settle_seconds: float = 0.5,
        parallel_rooms: int = 64,
        journal_names: bool = False,
        metrics: ReconcileMetrics | None = None,
        room_map: Mapping[str, str] | None = None,
        tz: tzinfo = UTC,
    ) -> None:
        self._store = store
        self._tz = tz  # the hotel's: the journal's words are read at the front desk
        self._room_map = room_map
        self._api = api
        self._directory = directory
        self._applier = applier
        self.policy = policy
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._settle = settle_seconds
        self._slots = asyncio.Semaphore(parallel_rooms)
        self._journal_names = journal_names
        self.metrics = metrics or ReconcileMetrics()
        self._due: dict[str, float] = {}  # room → monotonic time it may be worked on
        self._recheck: dict[str, float] = {}  # room → monotonic time its plan changes by itself
        self._attempts: dict[str, int] = {}
        self._gave_up: set[str] = set()  # until a new event for the room or a full pass
        self._unmapped: set[str] = set()  # rooms with PMS activity the room map lacks
        self._dirty_since: dict[str, float] = {}
        self._running: dict[str, asyncio.Task[RoomOutcome]] = {}
        self._in_pass: set[str] = set()  # rooms holding a slot
        self._in_full_pass: set[str] = set()  # what no event asked for here is drift repaired
        self._wakeup = asyncio.Event()
        self.metrics.watch(self.backlog)

    # -- telling it what to do ---------------------------------------------------------

    def nudge(self, rooms: Iterable[str]) -> None:
        """New events changed these rooms: work on them once they have settled."""
        now = self._clock.monotonic()
        for room in rooms:
            if self._is_unmapped(room):
                self._set_aside(room)
                continue
            self._due[room] = now + self._settle
            self._attempts.pop(room, None)  # a new wish deserves a fresh set of tries
            self._gave_up.discard(room)
            self._dirty_since.setdefault(room, now)
        self._wakeup.set()

    def due_rooms(self) -> list[str]:
        """Rooms to work on now: dirty and settled, or past their own re-check time."""
        now = self._clock.monotonic()
        dirty = [r for r in self._store.dirty_rooms() if self._due.get(r, 0.0) <= now
                 and not self._given_up(r) and not self._is_unmapped(r)]
        rechecks = [r for r, at in self._recheck.items() if at <= now and r not in dirty
                    and not self._is_unmapped(r)]
        return [r for r in (*dirty, *rechecks) if r not in self._running]

    def next_due_in(self) -> float | None:
        """Seconds until some room becomes due (None: nothing scheduled). Rooms in a pass do
        not count: their end wakes the loop (counting them, `run` spun while they ran)."""
        now = self._clock.monotonic()
        dirty = set(self._store.dirty_rooms())
        times = [at for r, at in self._due.items()
                 if r in dirty and not self._given_up(r) and r not in self._running
                 and not self._is_unmapped(r)]
        times += [at for r, at in self._recheck.items()
                  if r not in self._running and not self._is_unmapped(r)]
        return max(0.0, min(times) - now) if times else None

    # -- running -----------------------------------------------------------------------

    async def drain(self) -> None:
        """Work until no room is due now (rooms waiting for a retry or re-check stay)."""
        while rooms := self.due_rooms():
            await asyncio.gather(*(self._start(room) for room in rooms))

    async def run(self, stop: asyncio.Event) -> None:
        """The service loop: work rooms as they become due, until `stop` is set."""
        while not stop.is_set():
            for room in self.due_rooms():
                task = asyncio.create_task(self._start(room))
                task.add_done_callback(lambda _t: self._wakeup.set())
            self._wakeup.clear()
            wait = self.next_due_in()
            waiters: list[asyncio.Future[object]] = [
                asyncio.ensure_future(self._wakeup.wait()), asyncio.ensure_future(stop.wait())
            ]
            if wait is not None:
                waiters.append(asyncio.ensure_future(self._clock.sleep(wait)))
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
        # Rooms still queued for a slot are left for the next start (they are dirty in the
        # store); only rooms in a pass are finished, so a shutdown fits its grace period.
        for room, task in list(self._running.items()):
            if room not in self._in_pass:
                task.cancel()
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _start(self, room: str) -> RoomOutcome:
        existing = self._running.get(room)
        if existing is not None:
            return await existing
        task = asyncio.ensure_future(self._bounded(room))
        self._running[room] = task
        try:
            return await task
        finally:
            self._running.pop(room, None)

    async def _bounded(self, room: str) -> RoomOutcome:
        async with self._slots:
            self._in_pass.add(room)
            try:
                return await self.reconcile_room(room)
            finally:
                self._in_pass.discard(room)

    # -- one room ----------------------------------------------------------------------

    async def plan_room(
        self, room: str, *, as_full_pass: bool = False
    ) -> tuple[Target | None, Plan, str | None]:
        """What `reconcile_room` would do now, without doing it; `as_full_pass` believes the
        directory's names over what we recorded, as a full pass does."""
        if self._is_unmapped(room):
            return None, Plan(), self._no_extension(room)
        desired, owner = await self._desired_and_owner(room)
        if owner is None:
            return None, Plan(), self._no_extension(room)
        target = Target(owner.kind, owner.id, owner.extension)
        known = self._known(room, owner)
        if as_full_pass:
            known = names_from_directory(known, owner)
        return target, plan(desired, known, target, self.policy, self._clock.now()), None

    async def reconcile_room(self, room: str) -> RoomOutcome:
        """One pass over one room: plan from what we know, apply, record after each call."""
        outcome = RoomOutcome(room)
        if self._is_unmapped(room):
            self._set_aside(room)
            outcome.unmapped = True
            return outcome
        desired, owner = await self._desired_and_owner(room)
        if owner is None:
            return self._failed(room, outcome, self._no_extension(room), final=True)
        target = Target(owner.kind, owner.id, owner.extension)
        known = self._known(room, owner)
        now = self._clock.now()
        the_plan = plan(desired, known, target, self.policy, now)
        recheck = the_plan.recheck_at
        deferred_for = 0.0  # seconds until a deferred presence change may be sent
        refused: dict[type[Change], str] = {}
        caused_by = self._store.events_for_version(
            room, self._store.confirmed_version(room), desired.version
        )
        changes = list(the_plan.changes)
        while changes:
            change = changes.pop(0)
            if type(change) in refused:
                continue  # refused earlier in this pass, before new events re-planned it
            if isinstance(change, SetDnd | ClearDnd):
                wait = max(self._api.presence.next_allowed_in(target.id),
                           _presence_wait(known, self._clock.now()))
                if wait > 0:
                    # Zoom takes one presence update a minute: come back rather than block.
                    deferred_for = wait
                    recheck = _earliest(recheck, self._clock.now(), wait)
                    continue
            try:
                learned = await self._applier.apply(
                    change, target, room, self._write_ahead(room, known))
            except UserRateLimited:
                # Zoom's per-user presence limit (another app, or a process that died after
                # sending): nothing changed in Zoom; this room waits, no other does.
                self._store.save_known(room, known)  # undo the write-ahead
                wait = max(self._api.presence.next_allowed_in(target.id),
                           PRESENCE_INTERVAL_SECONDS)
                deferred_for = wait
                recheck = _earliest(recheck, self._clock.now(), wait)
                continue
            except ZoomApiError as error:
                # Zoom refused this change and would refuse it again (DND for a user with no
                # Zoom client signed in, rules for a common area with outbound calling off).
                # The room's other changes do not depend on it: make them, then fail the room
                # without retries; a new event for the room or a full pass tries it again.
                if isinstance(change, SetDnd):
                    self._store.save_known(room, known)  # Zoom answered: no DND was set
                refused[type(change)] = _refusal(error)
                continue
            except ZoomError as error:
                return self._failed(room, outcome, str(error), final=False)
            if isinstance(change, SetDnd | ClearDnd):
                learned = {**learned, "presence_set_at": self._clock.now()}
            known = known.model_copy(update=learned)
            self._store.save_known(room, known)
            self._journal(room, change, caused_by)
            self.metrics.changes.labels(type(change).__name__).inc()
            outcome.applied.append(describe(change, self._tz))
            latest = self._store.room(room)
            if latest is not None and latest.version != desired.version:
                # Events came while this pass waited for Zoom (a check-in during its room's
                # check-out): plan the rest from them, so the pass does not first finish what
                # they made obsolete (restrict, then open up again).
                desired, now = latest, self._clock.now()
                the_plan = plan(desired, known, target, self.policy, now)
                changes, recheck, deferred_for = list(the_plan.changes), the_plan.recheck_at, 0.0
                caused_by = self._store.events_for_version(
                    room, self._store.confirmed_version(room), desired.version
                )
        self._schedule_recheck(room, recheck)
        if refused:
            return self._failed(room, outcome, "; ".join(refused.values()), final=True)
        if deferred_for:
            # Still dirty, but not due before the user's minute is over (else drain and run
            # would spin on it).
            self._due[room] = self._clock.monotonic() + deferred_for
        else:
            self._store.confirm(room, desired.version)
            self._confirmed(room)
            outcome.confirmed = True
        return outcome

    async def _desired_and_owner(self, room: str) -> tuple[RoomState, ExtensionOwner | None]:
        desired = self._store.room(room) or RoomState(room=room)
        return desired, await self._directory.find_room(room)

    def _write_ahead(self, room: str, known: KnownZoom) -> Callable[[dict[str, Any]], None]:
        """What the applier records before a call leaves: on disk before it returns."""

        def record(fields: dict[str, Any]) -> None:
            self._store.save_known(room, known.model_copy(update=fields), durable=True)

        return record

    def _known(self, room: str, owner: ExtensionOwner) -> KnownZoom:
        """What we recorded, with names we never set taken from the directory."""
        known = self._store.known(room)
        if known.display_name is None:
            known = known.model_copy(update={
                "first_name": owner.first_name if owner.kind == "user" else None,
                "last_name": owner.last_name if owner.kind == "user" else None,
                "display_name": owner.display_name,
                "department": owner.department,
            })
        return known

    def _no_extension(self, room: str) -> str:
        if self._room_map is None:
            return (f"room {room}: its extension is not in the Zoom directory; check the room "
                    "map (CONNECTOR_ROOMS__MAP_FILE) and the extension in Zoom")
        if room not in self._room_map:
            return (f"room {room} is not in the room map, so it has no extension; add it "
                    "(CONNECTOR_ROOMS__MAP_FILE or CONNECTOR_ROOMS__MAP)")
        return (f"room {room}: extension {self._room_map[room]} is not in the Zoom directory; "
                "create it in Zoom or fix the room map (CONNECTOR_ROOMS__MAP_FILE)")

    def unmapped_rooms(self) -> list[str]:
        """Rooms the PMS has used since start-up (or left unconfirmed before it) that are not
        in the room map, in room-number order."""
        return sorted(self._unmapped, key=by_room_number)

    def backlog(self) -> Backlog:
        """What Zoom still lacks, from the store (read at each scrape of /metrics)."""
        lag = self._store.lag()
        unmapped = {room for room in (*lag.waiting, *lag.failing) if self._is_unmapped(room)}
        return backlog(lag, unmapped, self._clock.now())

    def _is_unmapped(self, room: str) -> bool:
        return self._room_map is not None and room not in self._room_map

    def _set_aside(self, room: str) -> None:
        """Keep the room's state, ask nothing of Zoom, and say so once per start."""
        if room in self._unmapped:
            return
        self._unmapped.add(room)
        self._due.pop(room, None)
        self._recheck.pop(room, None)
        # A failure kept by an older version (or a map that changed) would make it look like
        # Zoom's fault.
        self._store.clear_failure(room)
        self.metrics.unmapped_rooms.set(len(self._unmapped))
        log.warning("room not in the room map: its PMS events are kept, nothing is sent to "
                    "Zoom for it", extra={"room": room, "hint": UNMAPPED_HINT})

    def recheck_now(self, rooms: Iterable[str]) -> None:
        """Look at these rooms again now, changed or not. On start: when a room's plan changes
        by itself (a long DND to re-assert) was known only to the process that stopped."""
        now = self._clock.monotonic()
        for room in rooms:
            self._recheck[room] = now
        self._wakeup.set()

    def _schedule_recheck(self, room: str, at: datetime | None) -> None:
        if at is None:
            self._recheck.pop(room, None)
            return
        delay = (at - self._clock.now()).total_seconds()
        self._recheck[room] = self._clock.monotonic() + max(0.0, delay)
        self._wakeup.set()

    def _confirmed(self, room: str) -> None:
        self._attempts.pop(room, None)
        self._gave_up.discard(room)
        self._due.pop(room, None)
        since = self._dirty_since.pop(room, None)
        if since is not None:
            self.metrics.lag.labels("applied").observe(self._clock.monotonic() - since)
        self._store.clear_failure(room)

    def _failed(self, room: str, outcome: RoomOutcome, error: str, *, final: bool) -> RoomOutcome:
        attempts = self._attempts.get(room, 0) + 1
        self._attempts[room] = attempts
        final = final or attempts > self._retry.retries
        self._store.record_failure(room, error, attempts, final)
        self.metrics.failures.labels("yes" if final else "no").inc()
        since = self._dirty_since.get(room)
        if since is not None:
            self.metrics.lag.labels("failed").observe(self._clock.monotonic() - since)
        if final:
            self._gave_up.add(room)
        else:
            self._due[room] = self._clock.monotonic() + self._retry.interval_seconds
            self._wakeup.set()
        log.warning(
            "room not converged%s", " (giving up until the next full pass)" if final else "",
            extra={"room": room, "attempt": attempts, "error": error},
        )
        outcome.error = error
        return outcome

    def _given_up(self, room: str) -> bool:
        return room in self._gave_up

    async def full_pass(
        self,
        rooms: Iterable[str],
        *,
        deep: bool = False,
        country: str = "US",
        on_room: Callable[[RoomOutcome], None] | None = None,
    ) -> list[RoomOutcome]:
        """Every room, whether or not it changed: reload the directory, believe what Zoom
        shows (names always; outbound rules too when `deep`), and converge again. Rooms that
        had given up are tried afresh."""
        await self._directory.refresh()
        self._attempts.clear()
        self._gave_up.clear()
        self._due.clear()

        async def one(room: str) -> RoomOutcome:
            owner = self._directory.by_room(room)
            if owner is not None:
                async with self._slots:
                    known = names_from_directory(self._store.known(room), owner)
                    if deep:
                        try:
                            known = await outbound_from_zoom(
                                self._api, known, owner, country, room)
                        except ZoomError as error:
                            return self._failed(room, RoomOutcome(room), str(error), final=False)
                    self._store.save_known(room, known)
            self._in_full_pass.add(room)
            try:
                outcome = await self._start(room)
            finally:
                self._in_full_pass.discard(room)
            if on_room is not None:
                on_room(outcome)
            return outcome

        return list(await asyncio.gather(*(one(room) for room in rooms)))

    def _journal(self, room: str, change: Change, caused_by: list[str]) -> None:
        detail: dict[str, object] = {"change": type(change).__name__}
        for key, value in dataclasses.asdict(change).items():
            if key.endswith("name") and not self._journal_names:
                continue  # guest names are personal data
            detail[key] = value.isoformat() if isinstance(value, datetime) else value
        if not caused_by:
            # The audit trail says why a change no event asked for was made.
            detail["why"] = DRIFT_REPAIR if room in self._in_full_pass else RECHECK
        self._store.journal(room, describe(change, self._tz), detail, caused_by,
                            self._clock.now())


def _presence_wait(known: KnownZoom, now: datetime) -> float:
    """Seconds left of the user's presence minute, as the store remembers it."""
    if known.presence_set_at is None:
        return 0.0
    elapsed = (now - known.presence_set_at).total_seconds()
    return max(0.0, PRESENCE_INTERVAL_SECONDS - elapsed)


def _refusal(error: ZoomApiError) -> str:
    if error.code == PRESENCE_REFUSED:
        return (f"{error}. DND is set through the Zoom user's presence, which needs a Zoom "
                "client signed in as that user (a desk phone alone cannot take it)")
    return str(error)


def _earliest(current: datetime | None, now: datetime, seconds: float) -> datetime:
    candidate = now + timedelta(seconds=seconds)
    return candidate if current is None or candidate < current else current

