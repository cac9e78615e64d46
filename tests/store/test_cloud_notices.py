"""The cloud PMS notice inbox: stored before acted on, each key once, the stream's offset in
the same commit as its notices, no guest name left once applied (schema 10)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import pytest

from connector.store import Store, StoreError
from connector.store.cloud_notices import NewNotice
from connector.store.schema import LATEST, MIGRATIONS, current_version
from tests.store.factories import check_in, fold, guest_names
from tests.support.fake_clock import FakeClock

BEFORE = "2026-03-10T06:00:00.000000+00:00"


def check_in_notice(key: str, clock: FakeClock, guest: str = "Ada Lovelace") -> NewNotice:
    return NewNotice(key=key, name="CHECK IN", received_at=clock.now(),
                     body={"room": "101", "guest": guest})


def test_a_notice_is_kept_once_with_its_offset(store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    first = inbox.accept("ohip", [check_in_notice("ohip:1", clock)], offset="41")
    again = inbox.accept("ohip", [check_in_notice("ohip:1", clock),
                                  check_in_notice("ohip:2", clock)], offset="42")

    assert (first, again) == (["ohip:1"], ["ohip:2"])
    assert [n.key for n in inbox.pending()] == ["ohip:1", "ohip:2"]
    assert inbox.offset("ohip") == "42"
    assert inbox.offset("cloudbeds") is None


def test_a_store_that_fails_mid_batch_keeps_neither_notices_nor_offset(
        store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    inbox.accept("ohip", [check_in_notice("ohip:1", clock)], offset="41")
    # The disk refuses the second row of the batch.
    with store._writing("arm a fault") as conn:
        conn.execute("CREATE TRIGGER full BEFORE INSERT ON cloud_notices"
                     " WHEN NEW.key = 'ohip:3' BEGIN SELECT RAISE(ABORT, 'disk full'); END")

    with pytest.raises(StoreError):
        inbox.accept("ohip", [check_in_notice("ohip:2", clock),
                              check_in_notice("ohip:3", clock)], offset="43")

    assert [n.key for n in inbox.pending()] == ["ohip:1"]
    assert inbox.offset("ohip") == "41"


def test_an_applied_notice_keeps_no_guest_name(store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    inbox.accept("ohip", [check_in_notice("ohip:1", clock), check_in_notice("ohip:2", clock)])
    clock.advance(2)
    inbox.mark_applied("ohip:1")
    inbox.mark_failed("ohip:2", "OHIP answered 404 for reservation 7")

    applied, failed = inbox.get("ohip:1"), inbox.get("ohip:2")
    assert applied is not None and failed is not None
    assert (applied.state, applied.body, applied.name) == ("applied", {}, "CHECK IN")
    assert applied.applied_at == clock.now()
    assert (failed.state, failed.last_error) == ("failed", "OHIP answered 404 for reservation 7")
    assert failed.body["guest"] == "Ada Lovelace"
    assert inbox.pending() == []
    counts = inbox.counts()
    assert (counts.pending, counts.applied, counts.failed) == (0, 1, 1)


def test_retention_blanks_a_failed_notice_and_prune_deletes_settled_ones(
        store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    inbox.accept("cloudbeds", [check_in_notice("cb:1", clock), check_in_notice("cb:2", clock),
                               check_in_notice("cb:3", clock)])
    inbox.mark_failed("cb:1", "404")
    inbox.mark_applied("cb:2")
    clock.advance(86_400 * 3)
    cutoff = clock.now() - timedelta(days=1)

    list(store.expire_personal_data(cutoff, why="retention"))
    failed = inbox.get("cb:1")
    assert failed is not None and failed.body == {}

    list(store.prune_records(cutoff))
    assert inbox.get("cb:1") is None and inbox.get("cb:2") is None
    assert [n.key for n in inbox.pending()] == ["cb:3"]  # never pruned while pending


def a_version_9_file(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)")
        for version, statements in enumerate(MIGRATIONS[:9], start=1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, '2026-03-01')", (version,))
        # A call posted over FIAS yesterday, and its posting in the outbox.
        conn.execute("INSERT INTO outbox (channel, kind, room, payload, created_at, state,"
                     " next_attempt_at, p_number, answer) VALUES ('fias', 'posting', '101',"
                     " '{}', ?, 'answered', ?, 7, 'OK')", (BEFORE, BEFORE))
        conn.execute(
            "INSERT INTO calls (call_id, sources, direction, connect_type, emergency, result,"
            " dialled, start_time, talk_seconds, room, state, outbox_id, p_number,"
            " first_seen_at, updated_at) VALUES ('c1', 'webhook', 'outbound', 'external', 0,"
            " 'answered', '+441234', ?, 60, '101', 'posted', 1, 7, ?, ?)",
            (BEFORE, BEFORE, BEFORE))
    conn.close()


def test_a_version_9_file_keeps_its_postings_and_takes_cloud_reports(tmp_path: Path) -> None:
    path = tmp_path / "connector.sqlite3"
    a_version_9_file(path)

    with Store(path, clock=FakeClock()) as store:
        posted = store.call("c1")
        report = store.outbox.enqueue("maid_status", "102", {"status": 1}, channel="cloud")
        store.cloud_notices.accept("ohip", [check_in_notice("ohip:1", FakeClock())])

        assert posted is not None and (posted.p_number, posted.posting_answer) == (7, "OK")
        assert (report.id, report.channel) == (2, "cloud")  # ids are never reused
        assert store.outbox.get(1) is not None
    with sqlite3.connect(path) as conn:
        assert current_version(conn) == LATEST
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_a_notice_is_marked_applied_in_the_same_commit_as_its_events(
        store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    inbox.accept("ohip", [check_in_notice("ohip:7", clock)])

    store.ingest([check_in("101")], fold, source="ohip", also=inbox.applying("ohip:7"))

    applied = inbox.get("ohip:7")
    assert applied is not None and applied.state == "applied" and applied.body == {}
    assert guest_names(store.room("101")) == ["Ada Lovelace"]


def test_events_that_cannot_be_kept_leave_their_notice_pending_with_its_guest(
        store: Store, clock: FakeClock) -> None:
    inbox = store.cloud_notices
    inbox.accept("ohip", [check_in_notice("ohip:7", clock)])

    def confused(*_: object) -> NoReturn:
        raise ValueError("a fold that cannot make sense of the event")

    with pytest.raises(ValueError, match="cannot make sense"):
        store.ingest([check_in("101")], confused, source="ohip", also=inbox.applying("ohip:7"))

    pending = inbox.get("ohip:7")
    assert pending is not None and pending.state == "pending"
    assert pending.body["guest"] == "Ada Lovelace"  # still there to hydrate again
    assert store.room("101") is None


def test_a_mark_that_fails_keeps_the_events_out_too(store: Store, clock: FakeClock) -> None:
    def broken_mark(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE no_such_table SET x = 1")

    with pytest.raises(StoreError):
        store.ingest([check_in("101")], fold, source="ohip", also=broken_mark)
    assert store.room("101") is None
