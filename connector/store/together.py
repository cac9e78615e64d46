"""Several requests' batches in one write transaction, each still all or nothing.

Committing is the disk flush (synchronous=FULL), a few milliseconds whatever the batch holds;
requests that arrive together share it. Each request runs inside a savepoint: one whose fold
raises is rolled back to where it began and gets its exception, and the others keep theirs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from connector.events.models import AnyEvent
from connector.store.ingest import Fold, Narrate, ingest_batch
from connector.store.outbox_records import NewReport
from connector.store.records import Received

_SAVEPOINT = "one_request"


@dataclass(frozen=True)
class IngestRequest:
    """One request's events and how to fold them (see `Store.ingest`)."""

    events: Sequence[AnyEvent]
    fold: Fold
    source: str = "api"
    narrate: Narrate | None = None
    reports: Mapping[str, Sequence[NewReport]] = field(default_factory=dict)


Outcome = list[Received] | Exception


def ingest_requests(conn: sqlite3.Connection, *, path: str, requests: Sequence[IngestRequest],
                    received_at: str) -> list[Outcome]:
    """Each request's Received list, or the exception that rolled it back alone; inside the
    caller's transaction (a later request sees what an earlier one stored: a repeated id is
    a duplicate)."""
    outcomes: list[Outcome] = []
    for request in requests:
        conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            received = ingest_batch(
                conn, path=path, events=request.events, fold=request.fold,
                received_at=received_at, reports=request.reports, source=request.source,
                narrate=request.narrate,
            )
        except Exception as error:
            conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
            conn.execute(f"RELEASE {_SAVEPOINT}")
            outcomes.append(error)
            continue
        conn.execute(f"RELEASE {_SAVEPOINT}")
        outcomes.append(received)
    return outcomes
