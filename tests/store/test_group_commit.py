"""Requests that arrive together are stored in one transaction, each still all or nothing:
one the connector cannot fold keeps nothing of its own and takes nothing from the others."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from connector.events.models import Event
from connector.rooms.state import RoomState
from connector.store import Fold, IngestRequest, Received, RoomView, Store
from tests.store.factories import check_in, dnd, fold, guest_names
from tests.support.fake_clock import FakeClock


class FrontDeskTypo(Exception):
    """What a fold might raise on an event it cannot make sense of."""


def _fold_refusing(bad_id: str) -> Fold:
    def refusing(event: Event, seq: int, rooms: RoomView) -> Mapping[str, RoomState]:
        if event.id == bad_id:
            raise FrontDeskTypo(f"cannot fold {event.id}")
        return fold(event, seq, rooms)
    return refusing


def test_requests_stored_together_are_each_acknowledged_in_arrival_order(
    store: Store,
) -> None:
    first, second, repeat = check_in("101"), check_in("102"), check_in("103")

    outcomes = store.ingest_together([
        IngestRequest([first], fold), IngestRequest([second, repeat], fold),
        IngestRequest([repeat], fold),
    ])

    assert outcomes == [
        [Received(first.id, 1, False)],
        [Received(second.id, 2, False), Received(repeat.id, 3, False)],
        [Received(repeat.id, 3, duplicate=True)],  # the PMS sent it again meanwhile
    ]
    assert [guest_names(store.room(r)) for r in ("101", "102", "103")] == [["Ada Lovelace"]] * 3


def test_a_request_that_cannot_be_folded_keeps_nothing_and_the_others_keep_theirs(
    db_path: Path, clock: FakeClock,
) -> None:
    before, good, bad, after = check_in("101"), check_in("102"), dnd("102"), check_in("103")
    refusing = _fold_refusing(bad.id)

    with Store(db_path, clock=clock) as store:
        outcomes = store.ingest_together([
            IngestRequest([before], refusing),
            IngestRequest([good, bad], refusing),  # all or nothing: not even the check-in
            IngestRequest([after], refusing),
        ])
    with Store(db_path, clock=clock) as reopened:  # what is on disk
        stored = {r: reopened.room(r) for r in ("101", "102", "103")}
        statuses = {e.id: reopened.event_status(e.id) for e in (before, good, bad, after)}

    assert isinstance(outcomes[1], FrontDeskTypo)
    assert outcomes[0] == [Received(before.id, 1, False)]
    assert outcomes[2] == [Received(after.id, 2, False)]
    assert stored["102"] is None and stored["101"] is not None and stored["103"] is not None
    assert statuses[good.id] is None and statuses[bad.id] is None
    assert statuses[before.id] is not None and statuses[after.id] is not None
