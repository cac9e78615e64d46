"""One error hierarchy for the store; each message names the database file and what to do.

    StoreError
    ├── StoreOpenError        the database cannot be opened or created at the path
    │   ├── StoreNotWritable  the path (or its directory) cannot be written
    │   ├── StoreCorrupt      the file is not a SQLite database, or is damaged
    │   └── SchemaTooNew      a newer connector wrote it
    ├── StoreBusy             another process holds the write lock for too long
    ├── StoreWriteError       the disk is full or failing
    └── StoreMisuse           a caller broke the store's contract (a bug, not an outage)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """Anything that went wrong in the connector's database."""

    def __init__(self, message: str, *, path: str) -> None:
        self.path = path
        super().__init__(message)


class StoreOpenError(StoreError):
    """The database could not be opened, created or brought to the current schema."""


class StoreNotWritable(StoreOpenError):
    """The file or its directory is read-only for this process."""

    def __init__(self, path: str, reason: str) -> None:
        self.reason = reason
        folder = Path(path).parent
        super().__init__(
            f"Cannot write the connector's database at {path}: {reason}. The connector keeps "
            "every PMS event there before acknowledging it, so it cannot run without it. Make "
            f"{folder} a directory that the connector's user can write (and the file and its "
            "-wal and -shm companions, if present), or set CONNECTOR_STORE__PATH to a file on a "
            "writable volume.",
            path=path,
        )


class StoreCorrupt(StoreOpenError):
    """The file exists but is not a usable SQLite database."""

    def __init__(self, path: str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"The connector's database at {path} is not a SQLite database or is damaged "
            f"({reason}). Stop the connector, move the file aside (keep it for support) and "
            "start again: a PMS resync rebuilds the rooms' state.",
            path=path,
        )


class SchemaTooNew(StoreOpenError):
    """The database was written by a newer version of the connector."""

    def __init__(self, path: str, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"The connector's database at {path} has schema version {found}, but this "
            f"connector knows versions up to {supported}: a newer connector wrote it. Run that "
            "newer version (downgrading is not supported), or point this one at another file.",
            path=path,
        )


class StoreBusy(StoreError):
    """The write lock stayed taken past the busy timeout."""

    def __init__(self, path: str, doing: str) -> None:
        super().__init__(
            f"Could not {doing}: the database at {path} stayed locked by another process. "
            "Run exactly one connector per hotel (one replica) against one database file.",
            path=path,
        )


class StoreWriteError(StoreError):
    """The volume refused a write (full, or an I/O error)."""

    def __init__(self, path: str, doing: str, reason: str) -> None:
        super().__init__(
            f"Could not {doing}: writing {path} failed ({reason}). Free space on that volume "
            "or check its health; nothing from the failed call was kept.",
            path=path,
        )


class StoreMisuse(StoreError):
    """The store was called against its contract; the message says which rule was broken."""


# SQLite's primary result codes (https://www.sqlite.org/rescode.html) that we explain.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def translate(exc: sqlite3.Error, path: str, doing: str) -> StoreError:
    """The StoreError that explains `exc`, raised while trying to `doing` on `path`."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    reason = str(exc)
    if code in (_BUSY, _LOCKED):
        return StoreBusy(path, doing)
    if code == _READONLY:
        return StoreNotWritable(path, reason)
    if code in (_FULL, _IOERR):
        return StoreWriteError(path, doing, reason)
    if code in (_CORRUPT, _NOTADB):
        return StoreCorrupt(path, reason)
    if code == _CANTOPEN:
        return StoreNotWritable(path, reason)
    return StoreError(f"Could not {doing} in the database at {path}: {reason}.", path=path)
