"""One batch of events into the inbox and through the fold, inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence

from connector.events.models import AnyEvent
from connector.rooms.state import RoomState
from connector.store import inbox, rooms
from connector.store.outbox import keep
from connector.store.outbox_records import NewReport
from connector.store.records import Received
from connector.store.view import RoomView, TransactionView

Fold = Callable[[AnyEvent, int, RoomView], Mapping[str, RoomState]]


def ingest_batch(
    conn: sqlite3.Connection,
    *,
    path: str,
    events: Sequence[AnyEvent],
    fold: Fold,
    received_at: str,
    reports: Mapping[str, Sequence[NewReport]],
) -> list[Received]:
    """Store each event once and fold each new one, in order; a duplicate is not folded.
    A new event's `reports[event.id]` join the outbox; a duplicate's were kept the first
    time."""
    view = TransactionView(conn, path)
    received: list[Received] = []
    try:
        for event in events:
            seq = inbox.add(conn, event, received_at)
            if seq is None:
                received.append(Received(event.id, inbox.seq_of(conn, event.id), duplicate=True))
                continue
            for room, state in fold(event, seq, view).items():
                rooms.apply_change(
                    conn, path=path, room=room, state=state, seq=seq, event_id=event.id
                )
            for report in reports.get(event.id, ()):
                keep(conn, report, received_at)
            received.append(Received(event.id, seq, duplicate=False))
    finally:
        view.close()
    return received
