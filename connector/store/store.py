"""The Store: the only door to the connector's database.

Calls are synchronous and short (they run on the event-loop thread); each public write is
its own transaction, committed to disk (WAL, synchronous=FULL) before it returns, except the
reconciler's bookkeeping (what we know of Zoom, confirmations, failures cleared, the
journal): those commit with synchronous=NORMAL, so the event loop does not wait for a disk
flush after every Zoom call (at 3-4 ms a flush, it capped a rush at ~50 rooms a second).
They survive a crash of the process; a power cut may lose the last of them, never an event
(the next durable commit flushes everything before it), and the reconciler repairs that by
planning again from the older record (a repeated call at worst).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path
from types import TracebackType

from connector.billing.call import CallSource, ZoomCall
from connector.clock import Clock, SystemClock
from connector.events.models import AnyEvent
from connector.notices import Notice, Notices
from connector.privacy.personal import Erased
from connector.rooms.known import KnownZoom
from connector.rooms.state import RoomState
from connector.store import alerts as alert_table
from connector.store import calls as call_table
from connector.store import cloud_notices as cloud_notice_table
from connector.store import erasure
from connector.store import event_log as event_log_table
from connector.store import failures as failure_table
from connector.store import inbox as inbox_table
from connector.store import journal as journal_table
from connector.store import known as known_table
from connector.store import lag as lag_table
from connector.store import meta as meta_table
from connector.store import rooms as room_table
from connector.store import stays as stay_table
from connector.store import voicemail_index as voicemail_index_table
from connector.store import wakeups as wakeup_table
from connector.store.alerts import Alert, NewAlert
from connector.store.audit import AuditEntry, AuditQuery, AuditSource, read_trail
from connector.store.audit_sources import DEFAULT_SOURCES
from connector.store.calls import CallRecord, CallState, Rating, SettledState
from connector.store.connection import (
    checkpoint,
    display_path,
    open_database,
    reclaim_incrementally,
    release_free_pages,
    snapshot,
    transaction,
)
from connector.store.dirty import DirtyRooms
from connector.store.erasure import StayFound
from connector.store.errors import StoreMisuse, translate
from connector.store.export import export_stay
from connector.store.ingest import Fold, InTransaction, Narrate, ingest_batch
from connector.store.lag import Lag
from connector.store.outbox import Outbox, check_kind
from connector.store.outbox_records import NewReport
from connector.store.prune import prune_batch
from connector.store.records import (
    EventStatus,
    Failure,
    JournalEntry,
    Received,
    RoomEvent,
    StoreCounts,
)
from connector.store.schema import migrate
from connector.store.staff import StaffRecords
from connector.store.status import event_status
from connector.store.stays import StaySpan
from connector.store.timestamps import from_text, to_text
from connector.store.together import IngestRequest, Outcome, ingest_requests
from connector.store.view import RoomView
from connector.store.wakeups import (
    FinishedWakeup,
    JobState,
    WakeupAnswer,
    WakeupAttempt,
    WakeupJob,
    WakeupSync,
)


class Store:
    """Inbox, room state, what we know of Zoom, failures, journal and meta, in one SQLite file;
    the reports back to the PMS through `outbox` (see `connector.store.outbox`).

    `path` may be `":memory:"` (tests); for a file, missing parent directories are created.
    `busy_timeout` is how long a write waits for another connection's write lock.
    """

    def __init__(
        self, path: str | Path, *, clock: Clock | None = None, busy_timeout: float = 5.0
    ) -> None:
        self.path = display_path(path)
        self._clock: Clock = clock or SystemClock()
        self._folding = False
        conn = open_database(path, busy_timeout=busy_timeout)
        try:
            migrate(conn, path=self.path, now=self._now())
            reclaim_incrementally(conn, self.path)
        except sqlite3.Error as exc:
            conn.close()
            raise translate(exc, self.path, "prepare the database schema") from exc
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        self._dirty = DirtyRooms()
        self._data_version = -1  # none seen yet: the first `dirty_rooms` loads the set
        self.outbox = Outbox(path=self.path, reading=self._reading, writing=self._writing,
                             now=self._now)
        self.cloud_notices = cloud_notice_table.CloudNotices(
            reading=self._reading, writing=self._writing, now=self._now)
        self.voicemails = voicemail_index_table.VoicemailIndex(
            reading=self._reading, writing=self._writing, now=self._now)
        self.staff = StaffRecords(reading=self._reading, writing=self._writing, now=self._now)
        # Told after every commit that changed a room or raised an alert (the console).
        self.notices = Notices()

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Ingest

    def ingest(self, events: Sequence[AnyEvent], fold: Fold, *, source: str = "api",
               narrate: Narrate | None = None,
               reports: Mapping[str, Sequence[NewReport]] | None = None,
               also: InTransaction | None = None) -> list[Received]:
        """Store and fold a batch of events in one transaction; one Received per event.

        A new event goes into the inbox at the next seq and `fold(event, seq, view)` returns
        the rooms it changed, which are written at once (later events of the batch see them
        through `view`). An id already in the inbox is a duplicate: acknowledged, not folded.
        If `fold` raises, nothing of the batch is kept and the exception propagates.
        `reports` (by event id) go into the outbox in the same transaction when their event
        is new: a report to the PMS that follows from an event is never lost, nor doubled.
        With `narrate`, what each event did to each room (see `room_events`) is kept in the
        same transaction, with `source`, the door it came through. `also(conn)` runs in the
        same transaction after the events (the cloud door marks the notice they came from
        applied there: one commit, one fsync, not two); if it raises, nothing is kept.
        """
        if not events and also is None:
            return []
        reports = reports or {}
        for pending in reports.values():
            for report in pending:
                check_kind(report, self.path)
        touched: set[str] = set()
        fold_and_note = _noting(fold, touched)
        with self._writing(f"store {len(events)} event(s)") as conn:
            self._folding = True
            try:
                received = ingest_batch(
                    conn, path=self.path, events=events, fold=fold_and_note,
                    received_at=self._now(), reports=reports, source=source, narrate=narrate,
                )
                if also is not None:
                    also(conn)
            finally:
                self._folding = False
        self._refresh_after_ingest(touched)
        return received

    def ingest_together(self, requests: Sequence[IngestRequest]) -> list[Outcome]:
        """Several requests in one transaction and one disk flush (group commit): for each,
        its Received list, or the exception its fold (or its reports' check) raised, which
        kept nothing of that request and nothing else from committing. Raises StoreError,
        nothing stored, if the transaction itself fails."""
        if not requests:
            return []
        checked: list[IngestRequest] = []
        refused: dict[int, Exception] = {}
        touched: set[str] = set()
        for index, request in enumerate(requests):
            try:
                for pending in request.reports.values():
                    for report in pending:
                        check_kind(report, self.path)
            except Exception as error:
                refused[index] = error
            else:
                checked.append(replace(request, fold=_noting(request.fold, touched)))
        with self._writing(f"store {sum(len(r.events) for r in checked)} event(s) of "
                           f"{len(checked)} request(s)") as conn:
            self._folding = True
            try:
                stored = ingest_requests(conn, path=self.path, requests=checked,
                                         received_at=self._now())
            finally:
                self._folding = False
        self._refresh_after_ingest(touched)  # after the commit; a rolled-back request's
        outcomes = iter(stored)               # rooms are re-read as they are, unchanged
        return [refused[i] if i in refused else next(outcomes) for i in range(len(requests))]

    def room_events(self, room: str, limit: int = 20) -> list[RoomEvent]:
        """The room's newest `limit` PMS events, newest first, with what each did there."""
        with self._reading() as conn:
            return event_log_table.of_room(conn, room, limit)

    # Room desired state

    def room(self, room: str) -> RoomState | None:
        with self._reading() as conn:
            return room_table.get(conn, room)

    def all_rooms(self) -> dict[str, RoomState]:
        with self._reading() as conn:
            return room_table.all_rooms(conn)

    # What we know of Zoom

    def known(self, room: str) -> KnownZoom:
        """What we know of the room in Zoom; `KnownZoom()` (all unknown) when nothing is."""
        with self._reading() as conn:
            return known_table.get(conn, room)

    def save_known(self, room: str, known: KnownZoom, *, durable: bool = False) -> None:
        """Record what we know of the room in Zoom; `durable` for a write-ahead, which must
        be on disk before the call it announces leaves (a power cut must not lose it)."""
        with self._writing(f"save what is known of room {room} in Zoom", durable=durable) as conn:
            known_table.save(conn, room, known, self._now())

    # Convergence bookkeeping

    def confirm(self, room: str, version: int) -> None:
        """Zoom has the room's desired state as of `version`; a failure recorded at or below
        that version is cleared. Confirming above the desired version is refused."""
        with self._writing(f"confirm version {version} of room {room}", durable=False) as conn:
            room_table.confirm(conn, path=self.path, room=room, version=version)
            failure_table.clear_up_to(conn, room, version)
        self._refresh_dirty([room])

    def confirmed_version(self, room: str) -> int:
        """The highest version of the room confirmed in Zoom (0: none, or no state)."""
        with self._reading() as conn:
            return room_table.confirmed_version(conn, room)

    def dirty_rooms(self) -> list[str]:
        """Rooms whose desired state Zoom does not yet have, longest-waiting first.

        Answered from memory (see `connector.store.dirty`): read whole from the database
        only at the first call and after another connection has committed."""
        with self._reading() as conn:
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            if version != self._data_version:
                self._dirty.reload(room_table.dirty_since(conn))
                self._data_version = version
        return self._dirty.ordered()

    def mark_dirty(self, rooms: Iterable[str] | None = None) -> None:
        """Force a re-check of `rooms` (None: every room with state), e.g. for a full pass.

        Each room's desired version goes up by one with no event behind it, so
        `events_for_version` over it yields nothing (a drift repair) and events already
        applied stay applied.
        """
        names = None if rooms is None else list(rooms)
        with self._writing("mark rooms for a re-check") as conn:
            room_table.mark_dirty(conn, names, seq=inbox_table.last_seq(conn))
        if names is None:
            self._data_version = -1  # every room: read the set whole at the next ask
            self.notices.publish(Notice("reload"))
        else:
            self._refresh_dirty(names)

    def events_for_version(self, room: str, after_version: int, up_to_version: int) -> list[str]:
        """Ids of the events that produced the room's versions in (after, up_to], in order."""
        with self._reading() as conn:
            return room_table.events_for_version(conn, room, after_version, up_to_version)

    def lag(self) -> Lag:
        """Rooms Zoom lags on (with their oldest waiting event) and rooms failing: for the
        metrics, read at scrape time."""
        with self._reading() as conn:
            return lag_table.lag(conn)

    # Failures

    def record_failure(self, room: str, error: str, attempts: int, final: bool) -> None:
        """Replace the room's failure; `final` means the reconciler gave up until the next
        full pass. It belongs to the room's current desired version."""
        with self._writing(f"record a failure of room {room}") as conn:
            failure_table.record(
                conn, room=room, error=error, attempts=attempts, final=final, at=self._now()
            )
        self.notices.rooms_changed([room])

    def clear_failure(self, room: str) -> None:
        with self._writing(f"clear the failure of room {room}", durable=False) as conn:
            failure_table.clear(conn, room)

    def failures(self) -> list[Failure]:
        """Every room's latest failure, oldest first."""
        with self._reading() as conn:
            return failure_table.all_failures(conn)

    # Audit journal

    def journal(
        self,
        room: str,
        change: str,
        detail: Mapping[str, object],
        event_ids: Sequence[str],
        at: datetime,
    ) -> None:
        """Record a change made in Zoom. `detail` is stored as JSON (datetimes, enums and
        pydantic models are encoded; anything else raises ValueError); `at` must be aware."""
        when = to_text(at)
        with self._writing(f"journal a change of room {room}", durable=False) as conn:
            journal_table.add(
                conn, room=room, change=change, detail=detail, event_ids=event_ids, at=when
            )

    def journal_entries(self, room: str | None = None, limit: int = 100) -> list[JournalEntry]:
        """The newest `limit` entries, newest first, of one room or of all."""
        with self._reading() as conn:
            return journal_table.entries(conn, room, limit)

    # The audit trail (connector.store.audit)

    def audit(self, room: str, *, since: datetime | None, tz: tzinfo,
              sources: Sequence[AuditSource] = DEFAULT_SOURCES) -> list[AuditEntry]:
        """Every change made or asked for in the room since `since` (None: all kept), oldest
        first, read from `sources` in one snapshot; words and times in the hotel's zone `tz`."""
        with self._reading() as conn:
            return read_trail(conn, AuditQuery(room, since, tz), sources)

    # Event status

    def event_status(self, event_id: str) -> EventStatus | None:
        """Where the event stands, or None if it was never received."""
        with self._reading() as conn:
            return event_status(conn, event_id)

    # Hotel-wide key/values

    def meta(self, key: str) -> str | None:
        with self._reading() as conn:
            return meta_table.get(conn, key)

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (None: remove) a hotel-wide value; commits at once."""
        with self._writing(f"set {key}") as conn:
            meta_table.put(conn, key, value)

    def counts(self) -> StoreCounts:
        with self._reading() as conn:
            rooms, dirty = room_table.count(conn)
            return StoreCounts(
                events=inbox_table.count(conn),
                rooms=rooms,
                dirty=dirty,
                failed=failure_table.count_final(conn),
            )

    # Wake-up jobs (connector.store.wakeups) and front-desk alerts (connector.store.alerts)

    def wakeup_jobs(self, rooms: Iterable[str] | None = None) -> list[WakeupJob]:
        """Every wake-up job of `rooms` (None: of all rooms), in any state."""
        with self._reading() as conn:
            return wakeup_table.jobs_in_rooms(conn, None if rooms is None else list(rooms))

    def wakeup_job(self, job_id: int) -> WakeupJob | None:
        with self._reading() as conn:
            return wakeup_table.get(conn, job_id)

    def wakeup_attempts(self, job_ids: Iterable[int]) -> dict[int, list[WakeupAttempt]]:
        """Each try of the jobs `job_ids`, first try first (a job never tried: no entry)."""
        with self._reading() as conn:
            return wakeup_table.attempts_of(conn, list(job_ids))

    def wakeup_jobs_in_state(self, state: JobState) -> list[WakeupJob]:
        with self._reading() as conn:
            return wakeup_table.in_state(conn, state)

    def wakeup_jobs_done_since(self, since: datetime,
                               room: str | None = None) -> list[WakeupJob]:
        """Finished wake-up jobs asked for at `since` or later (of one room, or all)."""
        with self._reading() as conn:
            return wakeup_table.done_requested_since(conn, to_text(since), room)

    def count_wakeup_jobs(self, state: JobState) -> int:
        with self._reading() as conn:
            return wakeup_table.count(conn, state)

    def sync_wakeups(self, sync: WakeupSync) -> None:
        """Create, move and cancel jobs as planned, in one transaction."""
        with self._writing("bring wake-up jobs in line with the rooms") as conn:
            wakeup_table.apply_sync(conn, sync, self._now())

    def due_wakeups(self, now: datetime) -> list[WakeupJob]:
        """Pending jobs due by `now`, fairest first (due time, first tries, room)."""
        with self._reading() as conn:
            return wakeup_table.due(conn, to_text(now))

    def next_wakeup_due(self) -> datetime | None:
        with self._reading() as conn:
            text = wakeup_table.next_due(conn)
        return None if text is None else from_text(text)

    def start_wakeup_tries(self, job_ids: Sequence[int]) -> set[int]:
        """Mark tries as started, on disk, before the rooms are dialled: one commit for a
        whole group wake-up, not one per room. The ids that were still pending (a job
        cleared meanwhile is not started)."""
        if not job_ids:
            return set()
        now = self._now()
        with self._writing(f"start tries of {len(job_ids)} wake-ups") as conn:
            started = {job_id for job_id in job_ids
                       if wakeup_table.start_try(conn, job_id, now)}
        self.notices.publish(Notice("wakeup"))  # ringing now: the console's board
        return started

    def schedule_wakeup_try(self, job_id: int, *, outcome: str, due_at: datetime,
                            snoozed: bool, attempt_outcome: str | None = None) -> bool:
        """The try in progress ended with `outcome` (its attempt with `attempt_outcome`,
        by default the same); the next one is due at `due_at` (a snooze starts a new
        sequence of tries). False when the job was cancelled."""
        with self._writing(f"schedule the next try of wake-up {job_id}") as conn:
            scheduled = wakeup_table.schedule_next_try(
                conn, job_id, outcome=outcome, due_at=to_text(due_at), snoozed=snoozed,
                attempt_outcome=attempt_outcome or outcome, now=self._now())
        self.notices.publish(Notice("wakeup"))  # retrying: the console's board
        return scheduled

    def finish_wakeup(self, job: WakeupJob, *, outcome: str, status: str, counted_try: bool,
                      report: WakeupAnswer, alert: NewAlert | None,
                      attempt_outcome: str | None = None) -> FinishedWakeup | None:
        """The wake-up's final answer: the job becomes done (its try in progress, if any,
        ending with `attempt_outcome`, by default `outcome`), its report goes into the outbox
        and its alert (if any) is recorded, all in one transaction. None, with nothing
        written, when the job has left the state it was read in (cleared meanwhile)."""
        with self._writing(f"finish wake-up {job.id} of room {job.room}") as conn:
            now = self._now()
            if not wakeup_table.finish(conn, job, outcome=outcome, status=status,
                                       counted_try=counted_try, report=report,
                                       attempt_outcome=attempt_outcome or outcome, now=now):
                return None
            alert_id = None if alert is None else alert_table.add(conn, alert, job_id=job.id,
                                                                  now=now)
        self.notices.rooms_changed([job.room])
        if alert_id is not None:
            self.notices.publish(Notice("alert", job.room))
        return FinishedWakeup(alert_id=alert_id)

    def open_alerts(self, limit: int = 100) -> list[Alert]:
        """Front-desk alerts nobody has acknowledged yet, oldest first."""
        with self._reading() as conn:
            return alert_table.open_alerts(conn, limit)

    def alert(self, alert_id: int) -> Alert | None:
        with self._reading() as conn:
            return alert_table.get(conn, alert_id)

    def acknowledged_alerts(self, limit: int = 50) -> list[Alert]:
        """Alerts someone has dealt with (who and when), the latest first."""
        with self._reading() as conn:
            return alert_table.acknowledged_alerts(conn, limit)

    def alerts_of_wakeups(self, job_ids: Iterable[int]) -> list[Alert]:
        """The alerts these wake-up jobs raised (open or acknowledged)."""
        with self._reading() as conn:
            return alert_table.of_jobs(conn, job_ids)

    def count_open_alerts(self) -> int:
        with self._reading() as conn:
            return alert_table.count_open(conn)

    def acknowledge_alert(self, alert_id: int, *, by: str, at: datetime) -> bool:
        """Someone at the front desk has dealt with the alert; False when it is not open."""
        with self._writing(f"acknowledge alert {alert_id}") as conn:
            done = alert_table.acknowledge(conn, alert_id, by=by, at=to_text(at))
        if done:
            self.notices.publish(Notice("alert"))
        return done

    def record_operator_call(self, alert_id: int, outcome: str) -> None:
        """How the call that told the operator about the alert went."""
        with self._writing(f"record the operator call of alert {alert_id}") as conn:
            alert_table.record_operator_call(conn, alert_id, outcome)
        self.notices.publish(Notice("alert"))  # the console shows how the call went

    # Call accounting (connector.store.calls) and the stays it attributes calls to

    def take_call(self, call: ZoomCall, source: CallSource) -> str:
        """Keep a call Zoom told of, on disk before this returns: "new", "duplicate" or
        "updated" (it filled in what an earlier sight lacked)."""
        with self._writing(f"keep call {call.call_id}") as conn:
            return call_table.take(conn, call, source, self._now())

    def call(self, call_id: str) -> CallRecord | None:
        with self._reading() as conn:
            return call_table.get(conn, call_id)

    def call_by_p_number(self, p_number: int) -> CallRecord | None:
        """The call posted with this P# (the newest, should the counter have wrapped)."""
        with self._reading() as conn:
            return call_table.by_p_number(conn, p_number)

    def calls(self, *, room: str | None = None, reservation: str | None = None,
              states: Sequence[CallState] | None = None, limit: int = 1000) -> list[CallRecord]:
        """Calls oldest first, of a room, of a reservation and/or in some states (a posted
        call's state is its posting's: posted, accepted, refused or unknown)."""
        with self._reading() as conn:
            return call_table.listing(conn, room=room, reservation=reservation,
                                      states=states, limit=limit)

    def new_calls(self) -> list[str]:
        """Ids of the calls kept but not yet attributed, rated or posted, oldest first."""
        with self._reading() as conn:
            return call_table.new_ids(conn)

    def reopen_calls(self, states: Sequence[SettledState]) -> int:
        """Calls in these states become new again, to be settled afresh; how many."""
        if not states:
            return 0
        with self._writing(f"reopen calls that are {' or '.join(states)}") as conn:
            return call_table.reopen(conn, states, self._now())

    def reopen_call(self, call_id: str, state: SettledState) -> bool:
        """One call in `state` becomes new again (Zoom's charge for it has come); False when
        it is not in that state."""
        with self._writing("reopen a call") as conn:
            return call_table.reopen_one(conn, call_id, state, self._now())

    def count_calls(self) -> dict[CallState, int]:
        """Calls in every state (reads them all: for people, not for every scrape)."""
        with self._reading() as conn:
            return call_table.counts(conn)

    def count_open_calls(self) -> dict[CallState, int]:
        """Calls new, without a rate, late, posted (waiting for the PMS) or unknown: cheap
        enough for every metrics scrape."""
        with self._reading() as conn:
            return call_table.open_counts(conn)

    def settle_call(self, call_id: str, state: SettledState, *, room: str | None = None,
                    reservation: str | None = None, reason: str | None = None,
                    rating: Rating | None = None) -> bool:
        """A new call that is not posted, and why; False when it was no longer new."""
        with self._writing(f"settle call {call_id}") as conn:
            return call_table.settle(conn, call_id, state, room=room, reservation=reservation,
                                     reason=reason, rating=rating, now=self._now())

    def post_call(self, call_id: str, report: NewReport, *, reservation: str | None,
                  rating: Rating, reason: str | None = None) -> int | None:
        """The call's posting joins the outbox with its P#, and the call becomes posted, in
        one commit. The P#, or None (nothing kept) when the call was no longer new."""
        check_kind(report, self.path)
        with self._writing(f"post call {call_id} to room {report.room}") as conn:
            return call_table.post(conn, call_id, report, reservation=reservation,
                                   reason=reason, rating=rating, now=self._now())

    def resolve_call_posting(self, call_id: str, *, on_folio: bool,
                             note: str) -> CallRecord | None:
        """Settle the call's unknown posting as someone found the folio; None when the call
        has no unknown posting."""
        with self._writing(f"resolve the posting of call {call_id}") as conn:
            return call_table.resolve(conn, call_id, on_folio=on_folio, note=note)

    def stays_at(self, room: str, moment: datetime) -> list[StaySpan]:
        """The stays in the room at `moment`, first-come first (the PMS's check-ins, moves
        and check-outs as they were ingested)."""
        with self._reading() as conn:
            return stay_table.at_time(conn, room, moment)

    def stay_spans(self, reservation: str) -> list[StaySpan]:
        """The reservation's time in each room, in order (for its call report)."""
        with self._reading() as conn:
            return stay_table.of_reservation(conn, reservation)

    def last_stay_in(self, room: str) -> StaySpan | None:
        """The room's latest stay (for the call report of a PMS that keys guests by room)."""
        with self._reading() as conn:
            return stay_table.last_in_room(conn, room)

    def room_let_since(self, room: str, moment: datetime) -> bool:
        """Whether a stay came into the room at or after `moment`."""
        with self._reading() as conn:
            return stay_table.came_after(conn, room, moment)

    # Guests' personal data (connector.store.erasure, .export, .prune; docs/privacy.md)

    def stay_of_reservation(self, reservation: str) -> StayFound:
        """The reservation's stay (without spans when known only from its events)."""
        with self._reading() as conn:
            return erasure.by_reservation(conn, reservation)

    def stays_on_day(self, room: str, start: datetime, end: datetime) -> list[StayFound]:
        """The stay a room and a day [start, end) name (several: the caller must choose)."""
        with self._reading() as conn:
            return erasure.on_day(conn, room, to_text(start), to_text(end))

    def latest_stays(self, room: str, limit: int = 10) -> list[tuple[StayFound, bool]]:
        """The room's last `limit` stays, newest first, each with whether it was erased."""
        with self._reading() as conn:
            return erasure.latest_in_room(conn, room, limit)

    def erase_stay(self, stay: StayFound, *, by: str, why: str) -> Erased:
        """Blank every personal field the store holds of one stay and write the erasure into
        the audit trail (`by` whom, `why`), in one transaction."""
        now = self._now()
        with self._writing(f"erase the personal data of {_label(stay)}") as conn:
            erased = erasure.erase_stay(conn, stay, now)
            erasure.record(conn, stay, erased, by=by, why=why, now=now)
            return erased

    def export_stay(self, stay: StayFound) -> dict[str, object]:
        """Everything the store holds about one stay, JSON-ready."""
        with self._reading() as conn:
            return export_stay(conn, stay, self._now())

    def expire_personal_data(self, cutoff: datetime, *, why: str,
                             batch: int = 1000) -> Iterator[Erased]:
        """Blank what is personal of every stay that ended before `cutoff` (and of events and
        calls older than it that belong to no stay still kept), one transaction of at most
        `batch` rows per step (what it erased), so a caller on the event loop can let others
        run between steps. The last step's commit is durable; a run cut short leaves the
        rest for the next one. Each stay erased gets an audit entry per room saying what
        of it this run erased, and `why`, written with the stays' mark."""
        cut, now = to_text(cutoff), self._now()
        tally = erasure.Tally()
        seq: int | None = 0
        while seq is not None:
            with self._writing("erase old guests' names", durable=False) as conn:
                bodies, seq = erasure.expire_bodies(conn, cutoff=cut, after_seq=seq,
                                                    limit=batch, now=now, tally=tally)
            yield Erased(event_bodies=bodies)
        after: tuple[str, str] | None = ("", "")
        while after is not None:
            with self._writing("erase old dialled numbers", durable=False) as conn:
                calls, after = erasure.expire_calls(conn, cutoff=cut, after=after,
                                                    limit=batch, tally=tally)
            yield calls
        entry = int(self.meta(_JOURNAL_CHECKED) or 0)
        while True:
            with self._writing("erase names from old journal entries", durable=False) as conn:
                entries, through = erasure.expire_journal(conn, cutoff=cut, after_id=entry,
                                                          limit=batch, tally=tally)
                if through is not None:
                    meta_table.put(conn, _JOURNAL_CHECKED, str(through))
            yield Erased(journal_entries=entries)
            if through is None:
                break
            entry = through
        with self._writing("note the stays erased") as conn:
            postings = erasure.expire_postings(conn)
            cloud_notice_table.blank_failed(conn, cutoff=cut)
            erasure.mark_stays(conn, cutoff=cut, now=now, tally=tally, why=why)
        yield Erased(postings=postings)

    def prune_records(self, cutoff: datetime, *, batch: int = 2000) -> Iterator[int]:
        """Delete finished records older than `cutoff` (connector.store.prune), one
        transaction of at most `batch` rows a table per step (how many it deleted)."""
        step = -1
        while step != 0:
            with self._writing("delete old records", durable=False) as conn:
                step = prune_batch(conn, cutoff=to_text(cutoff), limit=batch)
            yield step

    def release_space(self, *, pages: int = 1000) -> Iterator[int]:
        """Give the pages erasure and pruning freed back to the disk, at most `pages` per
        step (how many are left), then empty the write-ahead log into the file."""
        try:
            conn = self._live()
            while left := release_free_pages(conn, pages):
                yield left
            checkpoint(conn)
        except sqlite3.Error as exc:
            raise translate(exc, self.path, "give freed space back to the disk") from exc
        yield 0

    # Plumbing

    def _refresh_dirty(self, rooms: Iterable[str]) -> None:
        """Re-read these rooms' place in the dirty set after a commit that touched them
        (never before it commits: a rolled-back batch must leave the set as it was)."""
        rooms = list(rooms)
        if rooms:
            with self._reading() as conn:
                self._dirty.update(room_table.oldest_unconfirmed(conn, rooms))
            self.notices.rooms_changed(rooms)

    def _refresh_after_ingest(self, touched: Iterable[str]) -> None:
        """`_refresh_dirty` for the rooms an ingest changed that were not dirty before it.
        An ingest only adds changes, each with a seq above every one already stored, so a
        room already dirty keeps its oldest unconfirmed change: reading it again (a look-up
        over all its unconfirmed changes) was a seventh of storing a single event when Zoom
        lagged behind the PMS."""
        self._refresh_dirty([room for room in touched if room not in self._dirty])

    def _now(self) -> str:
        return to_text(self._clock.now())

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreMisuse(f"The store at {self.path} is closed.", path=self.path)
        return self._conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._live()
        try:
            with snapshot(conn):
                yield conn
        except sqlite3.Error as exc:
            raise translate(exc, self.path, "read the database") from exc

    @contextmanager
    def _writing(self, doing: str, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction; `durable=False` skips the disk flush (module docstring)."""
        conn = self._live()
        if self._folding:
            # A write here would commit the half-done batch from inside its own fold.
            raise StoreMisuse(
                f"Cannot {doing} from inside a fold: change rooms by returning them, and "
                "meta through the RoomView's set_meta.",
                path=self.path,
            )
        try:
            if not durable:
                conn.execute("PRAGMA synchronous=NORMAL")
            try:
                with transaction(conn):
                    yield conn
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            raise translate(exc, self.path, doing) from exc


_JOURNAL_CHECKED = "privacy.journal_checked_through"


def _label(stay: StayFound) -> str:
    if stay.reservation is not None:
        return f"reservation {stay.reservation}"
    return "the stay in room " + ", ".join(stay.rooms)


def _noting(fold: Fold, touched: set[str]) -> Fold:
    """`fold`, noting the rooms it changes in `touched` (for the dirty set after commit)."""

    def fold_and_note(event: AnyEvent, seq: int, view: RoomView) -> Mapping[str, RoomState]:
        changed = fold(event, seq, view)
        touched.update(changed)
        return changed

    return fold_and_note
