"""What an integrator sees of one event: received, then applied once Zoom has it, or failed."""

from __future__ import annotations

from connector.store import Store
from tests.store.factories import check_in, dnd, fold, resync_start, room_move


def test_an_event_is_received_then_applied_once_zoom_has_its_room(store: Store) -> None:
    arrival = check_in("101")
    store.ingest([arrival], fold)

    status = store.event_status(arrival.id)
    assert status is not None
    assert (status.state, status.type, status.seq, status.rooms, status.error) == (
        "received", "check_in", 1, ["101"], None
    )

    store.confirm("101", 1)
    status = store.event_status(arrival.id)
    assert status is not None and status.state == "applied"


def test_an_event_fails_when_its_room_gives_up_and_recovers_when_confirmed(
    store: Store,
) -> None:
    arrival = check_in("101")
    store.ingest([arrival], fold)

    store.record_failure("101", "Zoom answered 503", attempts=1, final=False)
    status = store.event_status(arrival.id)
    assert status is not None and status.state == "received"

    store.record_failure("101", "Zoom answered 503", attempts=3, final=True)
    status = store.event_status(arrival.id)
    assert status is not None
    assert status.state == "failed"
    assert status.error == "room 101: Zoom answered 503"

    store.confirm("101", 1)  # the next full pass got through
    status = store.event_status(arrival.id)
    assert status is not None and (status.state, status.error) == ("applied", None)


def test_an_applied_event_stays_applied_when_a_later_one_fails(store: Store) -> None:
    arrival, quiet = check_in("101"), dnd("101")
    store.ingest([arrival], fold)
    store.confirm("101", 1)
    store.ingest([quiet], fold)
    store.record_failure("101", "presence update refused", attempts=3, final=True)

    first, second = store.event_status(arrival.id), store.event_status(quiet.id)

    assert first is not None and first.state == "applied"
    assert second is not None and second.state == "failed"


def test_a_full_pass_does_not_turn_applied_events_back_to_received(store: Store) -> None:
    arrival = check_in("101")
    store.ingest([arrival], fold)
    store.confirm("101", 1)

    store.mark_dirty()

    status = store.event_status(arrival.id)
    assert status is not None and status.state == "applied"


def test_a_room_move_is_applied_only_when_both_rooms_are(store: Store) -> None:
    arrival, move = check_in("101"), room_move("101", "205")
    store.ingest([arrival, move], fold)
    store.confirm("205", 1)

    status = store.event_status(move.id)
    assert status is not None and (status.state, status.rooms) == ("received", ["101", "205"])

    store.confirm("101", 2)
    status = store.event_status(move.id)
    assert status is not None and status.state == "applied"


def test_an_event_that_changes_no_room_is_applied_at_once(store: Store) -> None:
    start = resync_start()
    store.ingest([start], fold)

    status = store.event_status(start.id)

    assert status is not None and (status.state, status.rooms) == ("applied", [])


def test_an_event_never_received_has_no_status(store: Store) -> None:
    assert store.event_status("never-sent") is None
