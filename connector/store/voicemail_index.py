"""The voicemail index (`Store.voicemails`): which voicemails Zoom holds for whom, as its
voicemail webhooks and the nightly sweep tell, so a check-out purge deletes by id with no
listing. Ids, owners and times only: never a caller's number or name.

    (none) ──received──► live ──deleted──► tombstone ──(retention)──► pruned
                           ▲                   │
                           └─── listed again ──┘  (the sweep saw Zoom still has it)

Each write is one commit, made before Zoom's webhook gets its 200; a retried webhook finds
its row and changes nothing. The trust the sweep establishes per owner type is stored in
meta in the same commit as the sweep's repairs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from connector.store import meta as meta_table
from connector.store.timestamps import from_text, to_text

OwnerType = Literal["user", "common_area"]
OWNER_TYPES: tuple[OwnerType, ...] = get_args(OwnerType)

Reading = Callable[[], AbstractContextManager[sqlite3.Connection]]
Writing = Callable[[str], AbstractContextManager[sqlite3.Connection]]

LAST_SWEEP_KEY = "voicemail_index.last_sweep_started"


def trust_key(owner_type: OwnerType) -> str:
    """The meta key holding since when the index is trusted for this owner type."""
    return f"voicemail_index.trusted_since.{owner_type}"


@dataclass(frozen=True, slots=True)
class IndexedVoicemail:
    """One voicemail Zoom holds: its id, its owner (a user or a common area) and when it
    was left (Zoom's `date_time`)."""

    voicemail_id: str
    owner_id: str
    owner_type: OwnerType
    extension: str | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Repaired:
    """What a sweep changed: voicemails added (a lost `voicemail_received`, or one deleted
    in the index that Zoom still lists) and marked gone (a lost `voicemail_deleted`)."""

    added: int
    gone: int


class VoicemailIndex:
    """The index's door; the Store builds one over its own connection."""

    def __init__(self, *, reading: Reading, writing: Writing,
                 now: Callable[[], str]) -> None:
        self._reading = reading
        self._writing = writing
        self._now = now

    def add(self, voicemail: IndexedVoicemail) -> bool:
        """Index a voicemail Zoom told of; False when its id is known already (a retried
        webhook, or one deleted since: a tombstone is not brought back)."""
        with self._writing("index a voicemail") as conn:
            return _insert(conn, voicemail, self._now()) == 1

    def mark_deleted(self, voicemail_ids: Sequence[str]) -> int:
        """Zoom no longer has these; how many were live. An id never indexed is kept as a
        tombstone, so its `voicemail_received` arriving late does not index it."""
        now = self._now()
        with self._writing(f"mark {len(voicemail_ids)} voicemail(s) deleted") as conn:
            marked = 0
            for vm_id in voicemail_ids:
                marked += conn.execute(
                    "UPDATE voicemail_index SET deleted_at = ? WHERE voicemail_id = ?"
                    " AND deleted_at IS NULL", (now, vm_id)).rowcount
                conn.execute(
                    "INSERT INTO voicemail_index (voicemail_id, indexed_at, deleted_at)"
                    " VALUES (?, ?, ?) ON CONFLICT (voicemail_id) DO NOTHING", (vm_id, now, now))
        return marked

    def live(self, owner_id: str, *, before: datetime) -> list[IndexedVoicemail]:
        """The owner's voicemails Zoom holds that were left before `before`, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM voicemail_index WHERE owner_id = ?"  # noqa: S608
                " AND deleted_at IS NULL AND received_at < ? ORDER BY received_at",
                (owner_id, to_text(before))).fetchall()
        return [_row(row) for row in rows]

    def live_between(self, start: datetime, end: datetime) -> list[IndexedVoicemail]:
        """Every indexed live voicemail left in [start, end)."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM voicemail_index WHERE deleted_at IS NULL"  # noqa: S608
                " AND received_at >= ? AND received_at < ? ORDER BY received_at",
                (to_text(start), to_text(end))).fetchall()
        return [_row(row) for row in rows]

    def count_left_between(self, owner_type: OwnerType, start: datetime,
                           end: datetime) -> int:
        """How many indexed voicemails of this owner type, deleted since or not, were left
        in [start, end)."""
        with self._reading() as conn:
            return int(conn.execute(
                "SELECT count(*) FROM voicemail_index WHERE owner_type = ?"
                " AND received_at >= ? AND received_at < ?",
                (owner_type, to_text(start), to_text(end))).fetchone()[0])

    def first_indexed_at(self) -> datetime | None:
        """When the index took its first row (the first webhook, or sweep, it heard of)."""
        with self._reading() as conn:
            found = conn.execute("SELECT min(indexed_at) FROM voicemail_index").fetchone()[0]
        return None if found is None else from_text(str(found))

    def trusted_since(self, owner_type: OwnerType) -> datetime | None:
        """Since when the index is trusted for this owner type (None: not trusted)."""
        with self._reading() as conn:
            found = meta_table.get(conn, trust_key(owner_type))
        return None if found is None else from_text(found)

    def last_sweep_started(self) -> datetime | None:
        with self._reading() as conn:
            found = meta_table.get(conn, LAST_SWEEP_KEY)
        return None if found is None else from_text(found)

    def repair(self, *, add: Sequence[IndexedVoicemail], gone: Collection[str],
               started: datetime, trust: Mapping[OwnerType, datetime | None]) -> Repaired:
        """A sweep's outcome in one commit: index `add` (reviving a tombstone Zoom still
        lists), mark `gone` deleted, note the sweep's start and each owner type's trust."""
        now = self._now()
        with self._writing("repair the voicemail index") as conn:
            added = 0
            for vm in add:
                if _insert(conn, vm, now) == 0:
                    added += conn.execute(
                        "UPDATE voicemail_index SET deleted_at = NULL, owner_id = ?,"
                        " owner_type = ?, extension = ?, received_at = ?"
                        " WHERE voicemail_id = ? AND deleted_at IS NOT NULL",
                        (vm.owner_id, vm.owner_type, vm.extension, to_text(vm.received_at),
                         vm.voicemail_id)).rowcount
                else:
                    added += 1
            marked = 0
            for vm_id in gone:
                marked += conn.execute(
                    "UPDATE voicemail_index SET deleted_at = ? WHERE voicemail_id = ?"
                    " AND deleted_at IS NULL", (now, vm_id)).rowcount
            meta_table.put(conn, LAST_SWEEP_KEY, to_text(started))
            for owner_type, since in trust.items():
                meta_table.put(conn, trust_key(owner_type),
                               None if since is None else to_text(since))
        return Repaired(added=added, gone=marked)


_COLUMNS = "voicemail_id, owner_id, owner_type, extension, received_at"


def _insert(conn: sqlite3.Connection, vm: IndexedVoicemail, now: str) -> int:
    return conn.execute(
        "INSERT INTO voicemail_index (voicemail_id, owner_id, owner_type, extension,"
        " received_at, indexed_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (voicemail_id) DO NOTHING",
        (vm.voicemail_id, vm.owner_id, vm.owner_type, vm.extension, to_text(vm.received_at),
         now)).rowcount


def _row(row: sqlite3.Row | tuple[object, ...]) -> IndexedVoicemail:
    vm_id, owner_id, owner_type, extension, received_at = row
    assert owner_type in OWNER_TYPES
    return IndexedVoicemail(
        voicemail_id=str(vm_id), owner_id=str(owner_id), owner_type=owner_type,
        extension=None if extension is None else str(extension),
        received_at=from_text(str(received_at)))
