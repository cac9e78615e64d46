"""Opening the SQLite file with the settings the store relies on, and its transactions."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from connector.store.errors import StoreNotWritable, StoreOpenError, translate

MEMORY = ":memory:"
# An older file is rewritten once (VACUUM) to reclaim space incrementally when it is at most
# this big (a few seconds at start-up); a bigger one reuses freed pages but keeps its size
# until someone runs VACUUM at a quiet hour (docs/privacy.md).
VACUUM_AT_OPEN_BYTES = 256 * 1024 * 1024

log = logging.getLogger("connector.store")

# SQLite's page cache for the store's connection, in KiB (its default is 2,000). A hotel's
# hot pages (rooms, the dirty set, the inbox's tail) fit in this; anything else is read back
# from the operating system's file cache, which every process on the host shares. Worth
# ~1.5 MB of RSS per hotel, at no measured cost to the checkout rush (docs/benchmarks.md).
PAGE_CACHE_KIB = 256


def display_path(path: str | Path) -> str:
    """The path as messages show it: absolute, so an operator can find the file."""
    return MEMORY if str(path) == MEMORY else str(Path(path).absolute())


def open_database(path: str | Path, *, busy_timeout: float) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN/COMMIT ourselves), in WAL mode, with
    `synchronous=FULL` (a commit is on disk when it returns), foreign keys enforced and a
    small page cache."""
    shown = display_path(path)
    if shown != MEMORY:
        _prepare_directory(Path(shown))
    try:
        conn = sqlite3.connect(shown, timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise translate(exc, shown, "open the database") from exc
    try:
        _configure(conn, shown)
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare_directory(file: Path) -> None:
    if file.is_dir():
        raise StoreOpenError(
            f"The store path {file} is a directory; set CONNECTOR_STORE__PATH to a file, for "
            f"example {file / 'connector.sqlite3'}.",
            path=str(file),
        )
    folder = file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()),
                       None)
        reason = (
            f"{blocker} is a file, not a directory"
            if blocker is not None
            else f"its directory {folder} cannot be created ({exc.strerror})"
        )
        raise StoreNotWritable(str(file), reason) from exc
    # SQLite opens a read-only file without complaint and fails only at the first write, which
    # would be an event we could not acknowledge: find out now. WAL also creates files beside it.
    if file.exists() and not os.access(file, os.W_OK):
        raise StoreNotWritable(str(file), "the file is read-only for this user")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreNotWritable(str(file), f"the directory {folder} is read-only for this user")


def _configure(conn: sqlite3.Connection, shown: str) -> None:
    try:
        # Before WAL: on a new file this is the only moment the mode can be chosen for free.
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    except sqlite3.Error as exc:
        raise translate(exc, shown, "open the database") from exc
    # An in-memory database has no journal file; anything else must be WAL, so readers never
    # block the writer. SQLite answers the mode it kept when it cannot switch (e.g. on NFS).
    if shown != MEMORY and str(mode).lower() != "wal":
        raise StoreOpenError(
            f"Cannot put the database at {shown} in WAL mode (SQLite kept '{mode}'); WAL needs "
            "a local filesystem with shared-memory support: set CONNECTOR_STORE__PATH to a "
            "file on a local volume.",
            path=shown,
        )


def reclaim_incrementally(conn: sqlite3.Connection, shown: str) -> None:
    """Make sure the file gives erased and pruned space back (`incremental_vacuum`): a file
    made before that was the default is rewritten once when it is small enough."""
    if int(conn.execute("PRAGMA auto_vacuum").fetchone()[0]) == 2:
        return
    size = 0 if shown == MEMORY else Path(shown).stat().st_size
    if size > VACUUM_AT_OPEN_BYTES:
        log.warning("the store reuses erased space but does not give it back to the disk; "
                    "stop the connector at a quiet hour and run VACUUM on it once",
                    extra={"store": shown, "bytes": size})
        return
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        # Another process has the file open (a command beside the service): the next open
        # tries again; meanwhile freed pages are still reused.
        log.warning("could not rewrite the store to give erased space back; trying again at "
                    "the next start", extra={"store": shown, "error": str(exc)})
        return
    log.info("store rewritten once to give erased space back", extra={"store": shown})


def release_free_pages(conn: sqlite3.Connection, pages: int) -> int:
    """Give up to `pages` of the pages erasure and pruning freed back to the file's end
    (outside a transaction); how many free pages are left."""
    conn.execute(f"PRAGMA incremental_vacuum({int(pages)})").fetchall()
    return int(conn.execute("PRAGMA freelist_count").fetchone()[0])


def checkpoint(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the file and empty it, so the file's shrinking reaches the disk (a
    reader still in the WAL leaves that for the next checkpoint)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction: takes the write lock at once (BEGIN IMMEDIATE), so a second writer
    waits for the busy timeout instead of failing half-way; rolls back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):  # the original error is the one worth reporting
                conn.execute("ROLLBACK")
        raise


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """A read transaction, so several SELECTs see one state; inside a write transaction
    (a read from within `ingest`) it simply joins it."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
