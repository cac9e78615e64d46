"""The audit journal: what changed in Zoom, newest first, per room, with its causes."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from connector.events.models import ClassOfService
from connector.store import Store
from tests.store.factories import MORNING


def test_the_journal_lists_changes_newest_first(store: Store) -> None:
    store.journal("101", "name", {"display_name": "Room 101 2101"}, [], MORNING)
    store.journal("102", "dnd", {"on": True}, ["evt-2"], MORNING + timedelta(minutes=5))
    next_day = MORNING + timedelta(days=1)
    store.journal("101", "name", {"display_name": "Ada 2101"}, ["evt-3"], next_day)

    entries = store.journal_entries()

    assert [(e.room, e.change, e.event_ids) for e in entries] == [
        ("101", "name", ("evt-3",)),
        ("102", "dnd", ("evt-2",)),
        ("101", "name", ()),
    ]
    assert entries[0].detail == {"display_name": "Ada 2101"}
    assert entries[0].at == next_day


def test_the_journal_of_one_room_leaves_the_others_out(store: Store) -> None:
    for minute in range(5):
        store.journal("101", "name", {"n": minute}, [], MORNING + timedelta(minutes=minute))
        store.journal("102", "dnd", {"n": minute}, [], MORNING + timedelta(minutes=minute))

    entries = store.journal_entries("101", limit=2)

    assert [(e.room, e.detail) for e in entries] == [("101", {"n": 4}), ("101", {"n": 3})]


def test_changes_made_at_the_same_moment_are_listed_in_reverse_order_of_writing(
    store: Store,
) -> None:
    store.journal("101", "name", {}, [], MORNING)
    store.journal("101", "department", {}, [], MORNING)

    assert [e.change for e in store.journal_entries()] == ["department", "name"]


def test_journal_times_in_any_zone_are_ordered_as_instants(store: Store) -> None:
    hotel = timezone(timedelta(hours=2))
    store.journal("101", "early", {}, [], MORNING.astimezone(hotel))  # 11:00 hotel time
    store.journal("101", "late", {}, [], MORNING + timedelta(minutes=30))

    entries = store.journal_entries()

    assert [e.change for e in entries] == ["late", "early"]
    assert entries[1].at == MORNING


def test_a_detail_may_hold_times_and_levels(store: Store) -> None:
    store.journal(
        "101",
        "restriction",
        {"level": ClassOfService.LOCAL, "until": MORNING},
        [],
        MORNING,
    )

    assert store.journal_entries()[0].detail == {"level": 1, "until": "2026-03-10T09:00:00Z"}


def test_a_journal_time_without_a_zone_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.journal("101", "name", {}, [], MORNING.replace(tzinfo=None))

    assert store.journal_entries() == []
