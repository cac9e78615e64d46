"""How far Zoom lags, as /metrics reads it: each waiting room's oldest unconfirmed event, and
the rooms failing; and the backlog gauges made of it."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest

from connector.reconcile.backlog import Backlog, backlog
from connector.reconcile.metrics import ReconcileMetrics
from connector.store import Store
from tests.store.factories import check_in, dnd, fold
from tests.support.fake_clock import FakeClock


def test_a_room_waits_since_its_oldest_event_zoom_has_not_confirmed(
    store: Store, clock: FakeClock,
) -> None:
    checked_in_at = clock.now()
    store.ingest([check_in("101")], fold)
    clock.advance(30)
    dnd_at = clock.now()
    store.ingest([dnd("101"), check_in("102")], fold)
    clock.advance(30)
    store.confirm("101", 1)  # the check-in reached Zoom; the DND has not

    lag = store.lag()

    assert lag.waiting == {"101": dnd_at, "102": dnd_at}
    assert backlog(lag, set(), clock.now()) == Backlog(
        waiting=2, failed=0, given_up=0, oldest_unapplied_seconds=30)
    assert checked_in_at < dnd_at


def test_a_forced_re_check_waits_for_zoom_but_no_pms_event_waits_on_it(
    store: Store, clock: FakeClock,
) -> None:
    store.ingest([check_in("101")], fold)
    store.confirm("101", 1)
    store.mark_dirty(["101"])
    clock.advance(600)

    assert backlog(store.lag(), set(), clock.now()) == Backlog(
        waiting=1, failed=0, given_up=0, oldest_unapplied_seconds=0)


def test_given_up_and_unmapped_rooms_are_counted_apart_from_the_outage(
    store: Store, clock: FakeClock,
) -> None:
    store.ingest([check_in("101"), check_in("102"), check_in("103"), check_in("104")], fold)
    store.record_failure("101", "Zoom answered 503", attempts=1, final=False)
    store.record_failure("102", "Zoom refused DND (5301)", attempts=1, final=True)
    clock.advance(timedelta(minutes=5).total_seconds())

    counted = backlog(store.lag(), {"104"}, clock.now())

    # 101 retries and 103 waits its turn: the outage; 102 waits for a person; 104 for the map.
    assert counted == Backlog(waiting=2, failed=1, given_up=1, oldest_unapplied_seconds=300)


def test_nothing_waits_once_zoom_has_every_room(store: Store, clock: FakeClock) -> None:
    store.ingest([check_in("101")], fold)
    store.confirm("101", 1)
    clock.advance(3600)

    assert backlog(store.lag(), set(), clock.now()) == Backlog(0, 0, 0, 0.0)


def test_a_scrape_while_the_store_is_closed_still_serves_the_other_metrics(
    clock: FakeClock,
) -> None:
    store = Store(":memory:", clock=clock)
    metrics = ReconcileMetrics(CollectorRegistry())
    metrics.watch(lambda: backlog(store.lag(), set(), clock.now()))
    metrics.unmapped_rooms.set(2)
    store.close()  # shutting down while Prometheus scrapes

    text = generate_latest(metrics.registry).decode()

    assert "connector_rooms_unmapped 2.0" in text
    assert "connector_rooms_waiting" not in text
