"""The voicemail index: each voicemail once, a deletion never undone by a late retry, no
caller's number or name, a sweep's repairs and trust in one commit, pruned with the
retention (schema 11)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from connector.store import Store
from connector.store.schema import LATEST, MIGRATIONS, current_version
from connector.store.voicemail_index import IndexedVoicemail
from tests.support.fake_clock import FakeClock


def left(clock: FakeClock, vm_id: str, owner: str = "u114", *, hours_ago: float = 1,
         owner_type: str = "user") -> IndexedVoicemail:
    return IndexedVoicemail(
        voicemail_id=vm_id, owner_id=owner,
        owner_type="user" if owner_type == "user" else "common_area", extension="114",
        received_at=clock.now() - timedelta(hours=hours_ago))


def test_a_voicemail_is_indexed_once_and_a_retry_changes_nothing(
        store: Store, clock: FakeClock) -> None:
    index = store.voicemails
    assert index.add(left(clock, "vm1")) is True
    assert index.add(left(clock, "vm1")) is False
    assert [vm.voicemail_id for vm in index.live("u114", before=clock.now())] == ["vm1"]


def test_the_purge_sees_only_what_was_left_before_its_time(
        store: Store, clock: FakeClock) -> None:
    index = store.voicemails
    index.add(left(clock, "old", hours_ago=3))
    index.add(left(clock, "new", hours_ago=0.5))
    index.add(left(clock, "other", owner="u115", hours_ago=3))
    cut = clock.now() - timedelta(hours=1)
    assert [vm.voicemail_id for vm in index.live("u114", before=cut)] == ["old"]


def test_a_deleted_voicemail_stays_deleted_when_its_received_event_comes_late(
        store: Store, clock: FakeClock) -> None:
    index = store.voicemails
    index.add(left(clock, "vm1"))
    assert index.mark_deleted(["vm1", "never-seen"]) == 1
    assert index.mark_deleted(["vm1"]) == 0  # Zoom's retry
    assert index.add(left(clock, "vm1")) is False
    assert index.add(left(clock, "never-seen")) is False
    assert index.live("u114", before=clock.now()) == []


def test_the_index_holds_no_callers_number_or_name(store: Store, clock: FakeClock) -> None:
    store.voicemails.add(left(clock, "vm1"))
    with store._reading() as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(voicemail_index)")}
    assert columns == {"voicemail_id", "owner_id", "owner_type", "extension", "received_at",
                       "indexed_at", "deleted_at"}


def test_a_sweep_repairs_both_ways_and_sets_trust_in_one_commit(
        store: Store, clock: FakeClock) -> None:
    index = store.voicemails
    index.add(left(clock, "gone-in-zoom"))
    index.add(left(clock, "deleted-but-listed"))
    index.mark_deleted(["deleted-but-listed"])
    repaired = index.repair(
        add=[left(clock, "webhook-lost"), left(clock, "deleted-but-listed")],
        gone=["gone-in-zoom"], started=clock.now(),
        trust={"user": clock.now(), "common_area": None})

    assert (repaired.added, repaired.gone) == (2, 1)
    assert {vm.voicemail_id for vm in index.live("u114", before=clock.now())} == {
        "webhook-lost", "deleted-but-listed"}
    assert index.trusted_since("user") == clock.now()
    assert index.trusted_since("common_area") is None
    assert index.last_sweep_started() == clock.now()


def test_the_retention_prunes_old_and_long_deleted_voicemails(
        store: Store, clock: FakeClock) -> None:
    index = store.voicemails
    index.add(left(clock, "ancient", hours_ago=24 * 500))
    index.add(left(clock, "deleted-long-ago", hours_ago=24 * 420))
    index.add(left(clock, "deleted-lately", hours_ago=24 * 420))
    index.mark_deleted(["deleted-long-ago"])
    clock.advance(3600 * 24 * 401)
    index.add(left(clock, "recent"))
    index.mark_deleted(["deleted-lately"])  # a tombstone lasts the retention from deletion

    list(store.prune_records(clock.now() - timedelta(days=400)))
    with store._reading() as conn:
        kept = {r[0] for r in conn.execute("SELECT voicemail_id FROM voicemail_index")}
    assert kept == {"deleted-lately", "recent"}


def test_a_version_10_file_is_brought_to_the_index(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)")
        for version, statements in enumerate(MIGRATIONS[:10], start=1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, '2026-03-01')", (version,))
        conn.execute("INSERT INTO meta (key, value) VALUES ('privacy.retention.last_day',"
                     " '2026-02-28')")
    conn.close()

    clock = FakeClock()
    with Store(path, clock=clock) as store:
        assert store.meta("privacy.retention.last_day") == "2026-02-28"
        assert store.voicemails.add(left(clock, "vm1"))
        assert store.voicemails.trusted_since("user") is None
    with sqlite3.connect(path) as conn:
        assert current_version(conn) == LATEST == 11
    conn.close()
