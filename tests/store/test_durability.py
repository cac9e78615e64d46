"""What is acknowledged stays: across close and reopen, a crash, and a second connection;
and a database that cannot be used says which file and what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from connector.events.models import Event
from connector.rooms.known import KnownZoom
from connector.rooms.state import RoomState
from connector.store import (
    RoomView,
    SchemaTooNew,
    Store,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreMisuse,
    StoreNotWritable,
    schema,
)
from tests.store.factories import check_in, fold, guest_names

ROOT = Path(__file__).resolve().parents[2]


def test_state_survives_closing_and_reopening_the_file(db_path: Path) -> None:
    arrival = check_in("101")
    with Store(db_path) as first:
        first.ingest([arrival], fold)
        first.save_known("101", KnownZoom(display_name="Ada Lovelace 2101"))
        first.set_meta("resync", "night")

    with Store(db_path) as again:
        assert guest_names(again.room("101")) == ["Ada Lovelace"]
        assert again.known("101").display_name == "Ada Lovelace 2101"
        assert again.meta("resync") == "night"
        assert again.dirty_rooms() == ["101"]
        assert again.ingest([arrival], fold)[0].duplicate


def test_the_parent_directories_of_a_new_file_are_created(tmp_path: Path) -> None:
    path = tmp_path / "volume" / "hotel" / "connector.sqlite3"

    with Store(path) as store:
        store.set_meta("k", "v")

    assert path.is_file()


def test_an_acknowledged_event_is_there_after_a_crash(db_path: Path) -> None:
    # A separate process ingests and dies at once: no close, no checkpoint, no cleanup.
    script = (
        "import os, sys\n"
        "from connector.store import Store\n"
        "from tests.store.factories import check_in, fold\n"
        "store = Store(sys.argv[1])\n"
        "store.ingest([check_in('101', event_id='pms-1')], fold)\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db_path)], cwd=ROOT, check=True)

    with Store(db_path) as after:
        status = after.event_status("pms-1")
        assert status is not None and status.rooms == ["101"]
        assert guest_names(after.room("101")) == ["Ada Lovelace"]


def test_an_event_is_visible_to_another_connection_before_the_first_is_closed(
    db_path: Path,
) -> None:
    first = Store(db_path)
    first.ingest([check_in("101", event_id="pms-1")], fold)

    with Store(db_path) as second:
        assert second.event_status("pms-1") is not None
    first.close()


def test_two_stores_on_one_file_see_each_others_commits(db_path: Path) -> None:
    with Store(db_path) as pms_side, Store(db_path) as zoom_side:
        pms_side.ingest([check_in("101")], fold)
        assert zoom_side.dirty_rooms() == ["101"]

        zoom_side.confirm("101", 1)
        assert pms_side.dirty_rooms() == []

        pms_side.ingest([check_in("102")], fold)
        zoom_side.ingest([check_in("103")], fold)
        assert pms_side.dirty_rooms() == zoom_side.dirty_rooms() == ["102", "103"]


def test_a_writer_kept_waiting_by_another_says_to_run_one_connector(db_path: Path) -> None:
    with Store(db_path) as busy, Store(db_path, busy_timeout=0.05) as other:

        def holds_the_lock(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
            with pytest.raises(StoreBusy, match=r"one connector per hotel") as caught:
                other.set_meta("k", "v")
            assert str(db_path) in str(caught.value)
            return fold(event, seq, rooms)

        busy.ingest([check_in("101")], holds_the_lock)

        assert other.room("101") is not None


def test_a_path_that_cannot_be_created_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "volume"
    blocker.write_text("a file where the data directory should be")
    path = blocker / "connector.sqlite3"

    with pytest.raises(StoreNotWritable) as caught:
        Store(path)

    message = str(caught.value)
    assert str(path) in message
    assert "writable" in message
    assert caught.value.path == str(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_read_only_directory_names_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    path = folder / "connector.sqlite3"
    try:
        with pytest.raises(StoreNotWritable, match=str(path)):
            Store(path)
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_read_only_database_file_is_refused_at_open_not_at_the_first_event(
    db_path: Path,
) -> None:
    Store(db_path).close()
    db_path.chmod(0o400)
    try:
        with pytest.raises(StoreNotWritable, match="the file is read-only"):
            Store(db_path)
    finally:
        db_path.chmod(0o600)


def test_a_directory_given_as_the_path_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path)):
        Store(tmp_path)


def test_a_file_that_is_not_a_database_says_to_move_it_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"guest list, not a database\n" * 200)

    with pytest.raises(StoreCorrupt, match="move the file aside") as caught:
        Store(db_path)

    assert str(db_path) in str(caught.value)


def test_a_new_database_has_the_latest_schema_in_wal_mode_and_syncs_every_commit(
    db_path: Path,
) -> None:
    with Store(db_path) as store:
        store.ingest([check_in("101")], fold)
        conn = store._conn
        assert conn is not None
        assert schema.current_version(conn) == schema.LATEST
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_store_keeps_a_quarter_megabyte_of_pages_in_memory_not_sqlites_two(
    db_path: Path,
) -> None:
    # One connector runs per hotel: SQLite's default 2 MB page cache would be paid per hotel.
    with Store(db_path) as store:
        conn = store._conn
        assert conn is not None
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -256  # KiB


def test_a_later_migration_upgrades_an_existing_file_and_keeps_its_data(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db_path) as old:
        old.ingest([check_in("101")], fold)
    monkeypatch.setattr(
        schema, "MIGRATIONS", (*schema.MIGRATIONS, ("CREATE TABLE wakeups (id INTEGER)",))
    )
    newest = schema.LATEST + 1
    monkeypatch.setattr(schema, "LATEST", newest)

    with Store(db_path) as upgraded:
        assert upgraded._conn is not None
        assert schema.current_version(upgraded._conn) == newest
        assert guest_names(upgraded.room("101")) == ["Ada Lovelace"]


def test_a_file_from_a_newer_connector_is_refused_not_damaged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newest = schema.LATEST + 1
    with monkeypatch.context() as newer:
        newer.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, ("SELECT 1",)))
        newer.setattr(schema, "LATEST", newest)
        Store(db_path).close()

    with pytest.raises(SchemaTooNew, match=f"schema version {newest}") as caught:
        Store(db_path)

    assert str(db_path) in str(caught.value)


def test_a_closed_store_says_so(db_path: Path) -> None:
    store = Store(db_path)
    store.close()
    store.close()

    with pytest.raises(StoreMisuse, match="is closed"):
        store.room("101")
