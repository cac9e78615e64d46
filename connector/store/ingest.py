"""One batch of events into the inbox and through the fold, inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time, timedelta

from connector.events.models import AnyEvent, GuestAnonymised
from connector.rooms.narrate import event_rooms
from connector.rooms.state import RoomState
from connector.store import erasure, event_log, inbox, rooms, stays
from connector.store.outbox import keep
from connector.store.outbox_records import NewReport
from connector.store.records import Received
from connector.store.timestamps import to_text
from connector.store.view import RoomView, TransactionView

# More SQL a caller runs in an ingest's own transaction (e.g. marking where the events
# came from as done), so that both are committed together or not at all.
InTransaction = Callable[[sqlite3.Connection], None]
Fold = Callable[[AnyEvent, int, RoomView], Mapping[str, RoomState]]
# (event, the rooms it named or changed as they were, those it changed as they became) ->
# per room, what it did there in words (kept in the event log).
Narrate = Callable[[AnyEvent, Mapping[str, RoomState], Mapping[str, RoomState]],
                   Mapping[str, str]]


def ingest_batch(
    conn: sqlite3.Connection,
    *,
    path: str,
    events: Sequence[AnyEvent],
    fold: Fold,
    received_at: str,
    reports: Mapping[str, Sequence[NewReport]],
    source: str = "api",
    narrate: Narrate | None = None,
) -> list[Received]:
    """Store each event once and fold each new one, in order; a duplicate is not folded.
    A new event's `reports[event.id]` join the outbox; a duplicate's were kept the first
    time. With `narrate`, what each event did (a duplicate: nothing) goes into the event log.
    Stays that came into or left a room are noted (`connector.store.stays`)."""
    view = TransactionView(conn, path)
    received: list[Received] = []
    try:
        for event in events:
            occurred_at = to_text(event.occurred_at)  # once: the inbox and the event log
            seq = inbox.add(conn, event, received_at, occurred_at)
            if seq is None:
                received.append(Received(event.id, inbox.seq_of(conn, event.id), duplicate=True))
                if narrate is not None:
                    event_log.add_duplicate(conn, event, source=source, received_at=received_at)
                continue
            changed = fold(event, seq, view)
            # As they were before the changes are written: the fold only returns them.
            before = {room: state for room in dict.fromkeys([*event_rooms(event), *changed])
                      if (state := view.get(room)) is not None}
            if narrate is not None:
                event_log.add(conn, event, source=source, words=narrate(event, before, changed),
                              duplicate=False, received_at=received_at,
                              occurred_at=occurred_at)
            stays.follow(conn, before, changed, event.occurred_at)
            for room, state in changed.items():
                rooms.apply_change(conn, path=path, room=room, state=state, seq=seq,
                                   event_id=event.id, before=view.get(room))
                view.stored(state)
            for report in reports.get(event.id, ()):
                keep(conn, report, received_at)
            if isinstance(event, GuestAnonymised):
                # With the event, in its transaction: applied exactly once, like a fold.
                for stay in _named_stays(conn, event):
                    erased = erasure.erase_stay(conn, stay, received_at)
                    erasure.record(conn, stay, erased, by=erasure.PMS, now=received_at,
                                   why=f"the PMS anonymised the guest (event {event.id})")
            received.append(Received(event.id, seq, duplicate=False))
    finally:
        view.close()
    return received


def _named_stays(conn: sqlite3.Connection, event: GuestAnonymised) -> list[erasure.StayFound]:
    """The stay a PMS anonymised: its reservation's, or the one stay its room and day name
    (the day in the zone the PMS wrote the event's time in). A day that names several stays
    erases none: the PMS must name a sharer by reservation."""
    if event.reservation is not None:
        return [erasure.by_reservation(conn, event.reservation)]
    assert event.room is not None and event.on is not None  # the model's validator
    start = datetime.combine(event.on, time(), event.occurred_at.tzinfo)
    found = erasure.on_day(conn, event.room, to_text(start),
                           to_text(start + timedelta(days=1)))
    return found if len(found) == 1 else []
