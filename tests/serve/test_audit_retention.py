"""The audit trail ends after its window, in the running service: pruned at start (a restart
prunes again) and every day after, never what is younger than the window."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest

from connector.serve.audit_retention import PRUNE_EVERY_SECONDS, AuditRetention
from connector.store import Store
from tests.support.fake_clock import FakeClock

WINDOW_DAYS = 400


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> Iterator[Store]:
    with Store(":memory:", clock=clock) as opened:
        yield opened


def _zoom_change(store: Store, clock: FakeClock, days_ago: float, change: str) -> None:
    store.journal("101", change, {}, [], clock.now() - timedelta(days=days_ago))


def _left(store: Store) -> list[str]:
    return [entry.change for entry in store.journal_entries("101")]


async def test_the_service_prunes_at_start_what_is_older_than_the_window(
    store: Store, clock: FakeClock,
) -> None:
    _zoom_change(store, clock, WINDOW_DAYS + 1, "last year's check-out")
    _zoom_change(store, clock, WINDOW_DAYS - 1, "a check-in just inside the window")
    stop = asyncio.Event()

    running = asyncio.create_task(
        AuditRetention(store, days=WINDOW_DAYS, clock=clock).run(stop))
    await asyncio.sleep(0)  # the first round: prune, then sleep a day
    stop.set()
    await running

    assert _left(store) == ["a check-in just inside the window"]
    assert clock.sleeps[:1] == [PRUNE_EVERY_SECONDS]


def test_a_day_later_the_next_round_prunes_what_has_aged_past_the_window(
    store: Store, clock: FakeClock,
) -> None:
    retention = AuditRetention(store, days=WINDOW_DAYS, clock=clock)
    _zoom_change(store, clock, WINDOW_DAYS - 0.5, "a check-in half a day inside the window")

    assert retention.prune_now() == {"event_log": 0, "journal": 0, "audit": 0, "alerts": 0,
                                     "wakeup_jobs": 0, "outbox": 0}
    clock.advance(PRUNE_EVERY_SECONDS)

    assert retention.prune_now()["journal"] == 1
    assert _left(store) == []
