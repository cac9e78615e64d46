"""PMS requests that arrive together share one commit (one disk flush), and each is answered
only once its events are on disk; one that cannot be stored fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from connector.events.models import AnyEvent
from connector.store import Outcome, Received, Store, StoreWriteError
from connector.web.group_commit import GroupCommit
from tests.web.pms import Hotel, check_in, dnd


async def test_requests_sent_at_once_are_stored_in_one_commit_and_each_acknowledged(
    hotel: Hotel, monkeypatch: pytest.MonkeyPatch,
) -> None:
    commits: list[int] = []
    together = hotel.connector.ingest_together

    def counting(requests: Sequence[Sequence[AnyEvent]], *, source: str) -> list[Outcome]:
        commits.append(len(requests))
        return together(requests, source=source)

    monkeypatch.setattr(hotel.connector, "ingest_together", counting)
    rooms = ["101", "102", "103", "104"]

    answers = await asyncio.gather(*(
        hotel.send(event) for room in rooms
        for event in (check_in(room, event_id=f"in-{room}"), dnd(room, event_id=f"dnd-{room}"))))

    assert [a.status_code for a in answers] == [202] * 8
    assert {a.json()["id"] for a in answers} == {f"{kind}-{room}" for room in rooms
                                                for kind in ("in", "dnd")}
    assert sum(commits) == 8 and len(commits) < 8  # shared, not one flush each
    with Store(hotel.settings.store.path) as reopened:  # as a restarted connector sees it
        assert all(reopened.event_status(a.json()["id"]) is not None for a in answers)


def _received(events: Sequence[AnyEvent]) -> list[Received]:
    return [Received(e.id, i, False) for i, e in enumerate(events, 1)]


async def test_no_request_is_answered_before_the_commit_of_its_group() -> None:
    answered: list[str] = []
    groups: list[list[str]] = []

    def commit(requests: Sequence[Sequence[AnyEvent]]) -> list[Outcome]:
        groups.append([r[0].id for r in requests])
        assert answered == []  # nobody told "stored" before the flush
        return [_received(r) for r in requests]

    group = GroupCommit(commit)

    async def send(event_id: str) -> None:
        await group.submit([_event(event_id)])
        answered.append(event_id)

    await asyncio.gather(*(send(f"ev-{n}") for n in range(5)))

    assert groups == [["ev-0", "ev-1", "ev-2", "ev-3", "ev-4"]]
    assert sorted(answered) == groups[0]


async def test_a_request_that_could_not_be_folded_fails_alone() -> None:
    def commit(requests: Sequence[Sequence[AnyEvent]]) -> list[Outcome]:
        return [ValueError("unfoldable") if r[0].id == "bad" else _received(r)
                for r in requests]

    group = GroupCommit(commit)

    outcomes = await asyncio.gather(*(group.submit([_event(i)]) for i in ("a", "bad", "c")),
                                    return_exceptions=True)

    assert outcomes[0] == [Received("a", 1, False)]
    assert isinstance(outcomes[1], ValueError)
    assert outcomes[2] == [Received("c", 1, False)]


async def test_when_the_disk_fails_every_request_of_the_group_is_told_nothing_was_stored(
) -> None:
    def commit(requests: Sequence[Sequence[AnyEvent]]) -> list[Outcome]:
        raise StoreWriteError("connector.sqlite3", "store 2 event(s)", "disk full")

    group = GroupCommit(commit)

    outcomes: list[Any] = await asyncio.gather(
        *(group.submit([_event(i)]) for i in ("a", "b")), return_exceptions=True)

    assert all(isinstance(o, StoreWriteError) for o in outcomes)


async def test_a_request_whose_sender_hung_up_is_stored_and_the_others_answered() -> None:
    stored: list[str] = []

    def commit(requests: Sequence[Sequence[AnyEvent]]) -> list[Outcome]:
        stored.extend(r[0].id for r in requests)
        return [_received(r) for r in requests]

    group = GroupCommit(commit)
    gone = asyncio.create_task(group.submit([_event("gone")]))
    others = [asyncio.create_task(group.submit([_event(i)])) for i in ("a", "b")]
    await asyncio.sleep(0)  # all three are waiting for the commit
    gone.cancel()

    answers = await asyncio.gather(*others)

    assert answers == [[Received("a", 1, False)], [Received("b", 1, False)]]
    assert stored == ["gone", "a", "b"]  # received before the hang-up: stored, not answered
    assert gone.cancelled()


def _event(event_id: str) -> AnyEvent:
    from tests.store.factories import dnd as store_dnd
    return store_dnd("101").model_copy(update={"id": event_id})
