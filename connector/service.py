"""The connector assembled: settings in, a running set of parts out (the composition root).

`Connector.open()` obtains the Zoom token (failing on missing required scopes), loads the room
map and the extension directory, opens the store, and builds the reconciler. Events enter only
through `ingest()`: stored and folded into room state in one transaction before it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import REGISTRY, CollectorRegistry, Counter

from connector.clock import Clock, SystemClock
from connector.event_lines import log_event
from connector.events.models import AnyEvent
from connector.reconcile.applier import ZoomApplier
from connector.reconcile.metrics import ReconcileMetrics
from connector.reconcile.policy import room_policy
from connector.reconcile.purger import VoicemailPurger
from connector.reconcile.reconciler import Reconciler, RetryPolicy
from connector.rooms.desired import RoomView, fold
from connector.rooms.narrate import narrate
from connector.rooms.room_map import RoomMap
from connector.rooms.state import RoomState
from connector.settings import Settings
from connector.settings.rooms_source import load_room_map
from connector.store import IngestRequest, NewReport, Outcome, Received, Store
from connector.store.ingest import InTransaction
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.directory import Directory
from connector.zoom.limiter import Limiters
from connector.zoom.limiter_setup import build_limiters
from connector.zoom.metrics import ZoomMetrics


class Connector:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        client: ZoomClient,
        store: Store,
        room_map: RoomMap,
        registry: CollectorRegistry,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.client = client
        self.api = ZoomApi(client)
        self.store = store
        self.room_map = room_map
        self.tz = ZoneInfo(settings.hotel.timezone)  # what people at the hotel read
        self.directory = Directory(
            self.api, clock, rooms=room_map,
            refresh_minutes=settings.scheduling.directory_refresh_minutes,
        )
        # With Zoom's voicemail webhooks on, a purge may delete from the index, no listing.
        self.purger = VoicemailPurger(
            self.api, clock,
            index=store.voicemails if settings.reconcile.voicemail_webhooks else None)
        self.reconciler = Reconciler(
            store=store,
            api=self.api,
            directory=self.directory,
            applier=ZoomApplier(self.api, self.purger, settings.hotel.country),
            policy=room_policy(settings, client.scopes),
            clock=clock,
            retry=RetryPolicy(settings.scheduling.retries,
                              settings.scheduling.retry_interval_seconds),
            settle_seconds=settings.reconcile.settle_seconds,
            parallel_rooms=settings.reconcile.parallel_rooms,
            journal_names=settings.reconcile.journal_names,
            metrics=ReconcileMetrics(registry),
            room_map=room_map,
            tz=self.tz,
        )
        # Called after each ingest with the rooms whose wake-ups it changed (the wake-up
        # scheduler re-reads only those; an ingest that changed none calls no listener); a
        # listener must be quick and must not raise.
        self.room_listeners: list[Callable[[Sequence[str]], None]] = []
        self._received = Counter(
            "connector_events_received", "PMS events received, by type, door and outcome.",
            ["type", "source", "outcome"], registry=registry,
        )
        # Each (type, door, outcome)'s child looked up once, not per event.
        self._received_of = lru_cache(maxsize=256)(self._received.labels)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        registry: CollectorRegistry | None = None,
        store: Store | None = None,
        limiters: Limiters | None = None,
    ) -> Connector:
        """Start every part; raises the part's own error (settings, room map, Zoom, store).

        `limiters`: the Zoom client's pacing, when not the one settings describe (benchmarks
        pass `Limiters(..., speedup=k)` to run time-compressed against a scaled sandbox)."""
        clock = clock or SystemClock()
        registry = registry if registry is not None else REGISTRY
        room_map = load_room_map(settings.rooms)
        store = store or Store(settings.store.path, clock=clock)
        client = ZoomClient(settings.zoom, settings.scheduling, clock=clock,
                            transport=transport, metrics=ZoomMetrics(registry),
                            limiters=limiters or build_limiters(
                                settings.zoom, settings.shared_limit, clock, registry=registry))
        try:
            await client.start()
            connector = cls(settings, clock=clock, client=client, store=store,
                            room_map=room_map, registry=registry)
            await connector.directory.refresh()
        except BaseException:
            await client.close()
            store.close()
            raise
        # Whatever was left unconfirmed before a restart is picked up now.
        connector.reconciler.nudge(store.dirty_rooms())
        # When to re-assert a long DND was kept in memory only: look at those rooms again.
        connector.reconciler.recheck_now(
            room for room, state in store.all_rooms().items() if state.dnd.on)
        return connector

    async def close(self) -> None:
        await self.client.close()
        self.store.close()

    def ingest(self, events: Sequence[AnyEvent], *, source: str = "api",
               reports: Mapping[str, Sequence[NewReport]] | None = None,
               also: InTransaction | None = None) -> list[Received]:
        """Store the events and fold them into room state, all or nothing, then schedule the
        rooms they changed. Returns once everything is on disk. `source` (webhook, fias, …)
        is the door: it labels the metrics, the event log and each event's log line.
        `reports` (by event id) go to the PMS's outbox in the same commit as their event,
        if it is new; `also` runs in that commit too (`Store.ingest`)."""
        intake = _Intake(self.tz)
        received = self.store.ingest(events, intake.fold, source=source,
                                     narrate=intake.narrate, reports=reports, also=also)
        self._after_commit(events, received, intake, source)
        return received

    def ingest_together(self, requests: Sequence[Sequence[AnyEvent]], *,
                        source: str) -> list[Outcome]:
        """`ingest` for several requests at once, in one transaction and one disk flush
        (group commit): for each, its Received list once everything is on disk, or the
        exception that kept nothing of it (the others are stored all the same). Raises
        StoreError, nothing stored, when the transaction itself fails."""
        intakes = [_Intake(self.tz) for _ in requests]
        outcomes = self.store.ingest_together([
            IngestRequest(events, intake.fold, source=source, narrate=intake.narrate)
            for events, intake in zip(requests, intakes, strict=True)])
        for events, outcome, intake in zip(requests, outcomes, intakes, strict=True):
            if not isinstance(outcome, Exception):
                self._after_commit(events, outcome, intake, source)
        return outcomes

    def _after_commit(self, events: Sequence[AnyEvent], received: Sequence[Received],
                      intake: _Intake, source: str) -> None:
        self.reconciler.nudge(sorted(intake.changed))
        # A DND, a message light or a guest's name cannot move a wake-up: re-reading the room
        # for those was a sixth of a webhook event's cost.
        if intake.wakeups_moved:
            for listener in self.room_listeners:
                listener(sorted(intake.wakeups_moved))
        for event, outcome in zip(events, received, strict=True):
            self._received_of(event.type, source, "duplicate" if outcome.duplicate
                                  else "stored").inc()
            # Logged once on disk: a line must not tell of a change a rollback undid.
            log_event(event, source=source, duplicate=outcome.duplicate,
                      words={} if outcome.duplicate else intake.said[event.id])


class _Intake:
    """What one request's events did, noted while they are folded, acted on once they are
    on disk: the rooms to reconcile, those whose wake-ups moved, each event's words."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.changed: set[str] = set()
        self.wakeups_moved: set[str] = set()
        self.said: dict[str, Mapping[str, str]] = {}

    def fold(self, event: AnyEvent, seq: int, rooms: RoomView) -> dict[str, RoomState]:
        result = fold(event, seq, rooms)
        self.changed.update(result)
        return result

    def narrate(self, event: AnyEvent, before: Mapping[str, RoomState],
                after: Mapping[str, RoomState]) -> Mapping[str, str]:
        self.said[event.id] = narrate(event, before, after, self.tz)
        self.wakeups_moved.update(wakeups_changed(before, after))
        return self.said[event.id]


def wakeups_changed(before: Mapping[str, RoomState],
                    after: Mapping[str, RoomState]) -> list[str]:
    """The rooms of `after` (what one event changed) whose wake-ups are not what they were in
    `before` (a room missing there had none): set, cleared, moved with a guest, or dropped
    because the room went vacant."""
    return [room for room, state in after.items()
            if state.wakeups != (before[room].wakeups if room in before else ())]
