"""The outbox in the store: kept in order, P# allocated with the posting and never reused."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from connector.events.models import Dnd
from connector.rooms.desired import fold
from connector.store import NewReport, Store, StoreMisuse, schema
from tests.support.fake_clock import FakeClock

CHARGE = {"amount_minor": 150, "dialled": "0039061234567", "duration_seconds": 62,
          "at": "2026-03-10T09:00:00+01:00", "posting_type": "C"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    return Store(tmp_path / "connector.sqlite3", clock=clock)


def test_a_report_is_kept_pending_and_due_at_once(store: Store, clock: FakeClock) -> None:
    report = store.outbox.enqueue("maid_status", "101", {"status": 3}, channel="fias")

    assert (report.state, report.attempts, report.p_number) == ("pending", 0, None)
    assert store.outbox.due("fias", clock.now()) == [report]
    assert store.outbox.due("webhook", clock.now()) == []


def test_postings_get_increasing_p_numbers_that_survive_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "connector.sqlite3"
    with Store(path, clock=clock) as first:
        numbers = [first.outbox.enqueue("posting", "101", CHARGE, channel="fias").p_number
                   for _ in range(3)]
    with Store(path, clock=clock) as reopened:
        numbers.append(reopened.outbox.enqueue("posting", "102", CHARGE, channel="fias")
                       .p_number)

    assert numbers == [1, 2, 3, 4]


def test_the_p_number_wraps_from_99999999_to_1(store: Store) -> None:
    conn = store._conn
    assert conn is not None
    conn.execute("UPDATE posting_numbers SET last = 99999998")

    numbers = [store.outbox.enqueue("posting", "101", CHARGE, channel="fias").p_number
               for _ in range(3)]

    assert numbers == [99999999, 1, 2]


def test_a_report_that_is_not_a_posting_uses_no_p_number(store: Store) -> None:
    store.outbox.enqueue("wakeup_set", "101", {"at": "2026-03-10T07:00:00+01:00"},
                         channel="fias")
    assert store.outbox.enqueue("posting", "101", CHARGE, channel="fias").p_number == 1


def test_a_report_waiting_for_a_retry_holds_back_the_later_ones(
    store: Store, clock: FakeClock
) -> None:
    first = store.outbox.enqueue("wakeup_set", "101", {"at": "x"}, channel="webhook")
    second = store.outbox.enqueue("wakeup_clear", "101", {"at": "x"}, channel="webhook")
    store.outbox.retry_later(first.id, "HTTP 503", clock.now() + timedelta(seconds=30))

    assert store.outbox.due("webhook", clock.now()) == []
    clock.advance(30)
    assert [r.id for r in store.outbox.due("webhook", clock.now())] == [first.id, second.id]
    assert store.outbox.get(first.id).attempts == 1  # type: ignore[union-attr]


def test_a_posting_answer_settles_it_even_after_it_was_given_up(store: Store) -> None:
    posting = store.outbox.enqueue("posting", "101", CHARGE, channel="fias")
    assert posting.p_number is not None
    store.outbox.mark_sent(posting.id)
    assert store.outbox.mark_unknown(posting.id, "no PA")
    assert [p.id for p in store.outbox.unknown_postings()] == [posting.id]

    answered = store.outbox.mark_answered(posting.p_number, "OK")

    assert answered is not None and (answered.state, answered.answer) == ("answered", "OK")
    assert store.outbox.unknown_postings() == []
    assert store.outbox.mark_answered(posting.p_number, "OK") is None  # a duplicate PA


def test_only_a_pending_report_can_be_marked_sent(store: Store) -> None:
    report = store.outbox.enqueue("maid_status", "101", {"status": 1}, channel="fias")
    store.outbox.mark_sent(report.id)

    with pytest.raises(StoreMisuse, match=f"report {report.id} is sent"):
        store.outbox.mark_sent(report.id)


def test_counts_per_channel_and_state(store: Store) -> None:
    sent = store.outbox.enqueue("maid_status", "101", {"status": 1}, channel="fias")
    store.outbox.mark_sent(sent.id)
    store.outbox.enqueue("maid_status", "102", {"status": 1}, channel="fias")
    store.outbox.enqueue("maid_status", "103", {"status": 1}, channel=None)

    counts = store.outbox.pending_counts()

    assert counts.by_channel["fias"]["pending"] == 1
    assert counts.by_channel["fias"]["sent"] == 1
    assert counts.by_channel["none"]["pending"] == 1
    assert counts.total("pending") == 2


def test_pending_reports_move_to_the_configured_channel_but_sent_ones_stay(
    store: Store, clock: FakeClock
) -> None:
    kept = store.outbox.enqueue("maid_status", "101", {"status": 1}, channel=None)
    old = store.outbox.enqueue("maid_status", "102", {"status": 1}, channel="webhook")
    gone = store.outbox.enqueue("maid_status", "103", {"status": 1}, channel="webhook")
    store.outbox.mark_sent(gone.id)

    assert store.outbox.adopt("fias") == 2
    assert [r.id for r in store.outbox.due("fias", clock.now())] == [kept.id, old.id]
    assert store.outbox.get(gone.id).channel == "webhook"  # type: ignore[union-attr]


def test_a_version_1_database_is_brought_forward_with_its_events(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with monkeypatch.context() as old:
        old.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        old.setattr(schema, "LATEST", 1)
        Store(path, clock=clock).close()

    with Store(path, clock=clock) as upgraded:
        assert upgraded.outbox.enqueue("posting", "101", CHARGE, channel="fias").p_number == 1
    assert sqlite3.connect(path).execute(
        "SELECT max(version) FROM schema_version").fetchone()[0] == schema.LATEST


def test_a_version_3_database_keeps_its_reports_and_takes_guest_service_ones(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with monkeypatch.context() as old:
        old.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:3])
        old.setattr(schema, "LATEST", 3)
        with Store(path, clock=clock) as before:
            waiting = before.outbox.enqueue("maid_status", "101", {"status": 3}, channel="fias")
            charge = before.outbox.enqueue("posting", "102", CHARGE, channel="fias")

    with Store(path, clock=clock) as upgraded:
        assert upgraded.outbox.get(waiting.id) == waiting
        assert upgraded.outbox.get(charge.id) == charge
        service = upgraded.outbox.enqueue("guest_service", "101", {"status": 8},
                                          channel="fias")
        assert [r.id for r in upgraded.outbox.due("fias", clock.now())] == [
            waiting.id, charge.id, service.id]
        assert upgraded.outbox.enqueue("posting", "103", CHARGE, channel="fias").p_number == 2


def _guest_dnd(event_id: str) -> Dnd:
    return Dnd(id=event_id, occurred_at=FakeClock().now(), room="101", on=True)


def test_a_report_kept_with_its_event_is_in_the_same_commit_and_never_doubled(
    store: Store, clock: FakeClock
) -> None:
    report = NewReport("guest_service", "101", {"status": 8}, "fias")

    first = store.ingest([_guest_dnd("zoom-1")], fold, reports={"zoom-1": [report]})
    again = store.ingest([_guest_dnd("zoom-1")], fold, reports={"zoom-1": [report]})

    assert (first[0].duplicate, again[0].duplicate) == (False, True)
    (kept,) = store.outbox.due("fias", clock.now())
    assert (kept.kind, kept.room, kept.payload) == ("guest_service", "101", {"status": 8})


def test_an_event_that_cannot_be_folded_keeps_no_report_either(store: Store) -> None:
    def broken(*_: object) -> dict[str, object]:
        raise RuntimeError("fold failed")

    with pytest.raises(RuntimeError):
        store.ingest([_guest_dnd("zoom-1")], broken,  # type: ignore[arg-type]
                     reports={"zoom-1": [NewReport("guest_service", "101", {"status": 8},
                                                   "fias")]})

    assert store.counts().events == 0
    assert store.outbox.pending_counts().total("pending") == 0
