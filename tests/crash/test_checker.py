"""The crash trials' checker, on hand-made outcomes: silent when Zoom shows what the front desk
asked for, and when it does not, it names the room and what differs (a false alarm would
be as bad as a miss)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest

from connector.events.models import CheckIn, CheckOut, Dnd, Event, Guest
from connector.reconcile.policy import room_policy
from connector.rooms.naming import room_names
from connector.rooms.planner import RoomPolicy
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.state import DND, User, VoicemailDeletion
from connector.settings import load_settings
from tests.crash.checker import Delivery, Finding, KnownVoicemail, TrialOutcome, check
from tests.crash.story import RoomPhone
from tests.support.memory_rooms import MemoryRooms

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
ROOM = RoomPhone("101", 2101, has_presence=True)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(SandboxConfig(floors=1, rooms_per_floor=12, start=T0 + timedelta(hours=1)))


@pytest.fixture
def policy(sandbox: Sandbox, tmp_path: Path) -> RoomPolicy:
    env = sandbox.environment(str(sandbox.hotel.write_room_map(tmp_path / "rooms.csv")))
    with mock.patch.dict(os.environ, env):
        return room_policy(load_settings(_env_file=None), None)


def a_stay_then_check_out() -> list[Event]:
    return [
        CheckIn(id="ci", occurred_at=T0, room="101", reservation="R1",
                guests=[Guest(first_name="Ada", last_name="Lovelace")]),
        Dnd(id="dnd", occurred_at=T0 + timedelta(seconds=10), room="101", on=True),
        CheckOut(id="co", occurred_at=T0 + timedelta(seconds=20), room="101",
                 reservation="R1"),
    ]


def outcome_of(events: list[Event], sandbox: Sandbox, **changes: object) -> TrialOutcome:
    fields: dict[str, object] = {
        "phones": [ROOM], "stored": events,
        "ack_seqs": {e.id: n for n, e in enumerate(events, start=1)},
        "standings": {e.id: {"seq": n, "state": "applied", "error": None}
                      for n, e in enumerate(events, start=1)},
        "voicemails": [], "life_starts": [T0, T0 + timedelta(minutes=1)],
        "deliveries": [], "now": sandbox.clock.now(),
    }
    return TrialOutcome(**{**fields, **changes})  # type: ignore[arg-type]


def as_the_connector_leaves_it(sandbox: Sandbox, policy: RoomPolicy,
                               events: list[Event]) -> User:
    """Zoom as a correct connector leaves room 101 after `events`."""
    rooms = MemoryRooms()
    rooms.apply(*events)
    state = rooms.room("101")
    user = sandbox.owner(2101)
    assert isinstance(user, User) and user.phone is not None
    names = room_names(state, "2101", occupied=policy.occupied_name, vacant=policy.vacant_name)
    user.first_name, user.last_name = names.first_name, names.last_name
    user.display_name = names.display_name
    level = policy.restriction.level(state.occupied, state.effective_class_of_service())
    assert level is not None
    user.phone.policy.international_calling = level.international_allowed
    user.phone.policy.country_rules["US"] = 1 if level.domestic_allowed else 2
    for vm in [v for v in sandbox.account.voicemails.values() if v.owner_id == user.id]:
        del sandbox.account.voicemails[vm.id]
    return user


def test_a_room_zoom_shows_right_gives_no_finding(sandbox: Sandbox, policy: RoomPolicy) -> None:
    events = a_stay_then_check_out()
    as_the_connector_leaves_it(sandbox, policy, events)

    assert check(outcome_of(events, sandbox), sandbox, policy, "US") == []


def test_a_vacant_room_left_on_dnd_is_named_with_what_zoom_shows(
    sandbox: Sandbox, policy: RoomPolicy
) -> None:
    events = a_stay_then_check_out()
    user = as_the_connector_leaves_it(sandbox, policy, events)
    user.presence.status, user.presence.dnd_until = DND, None

    [finding] = check(outcome_of(events, sandbox), sandbox, policy, "US")

    assert (finding.kind, finding.room) == ("wrong", "101")
    assert "presence is DND" in finding.what and "expected no DND (vacant" in finding.what


def test_a_voicemail_from_before_the_check_out_that_survived_is_wrong_and_a_later_one_kept(
    sandbox: Sandbox, policy: RoomPolicy
) -> None:
    events = a_stay_then_check_out()
    as_the_connector_leaves_it(sandbox, policy, events)
    during = sandbox.add_voicemail(2101)
    during.date_time = T0 + timedelta(seconds=15)
    after = sandbox.add_voicemail(2101)
    after.date_time = T0 + timedelta(seconds=30)
    left = [KnownVoicemail(during.id, "101", during.date_time, "during the stay"),
            KnownVoicemail(after.id, "101", after.date_time, "while vacant")]

    findings = check(outcome_of(events, sandbox, voicemails=left), sandbox, policy, "US")

    assert [(f.kind, f.room) for f in findings] == [("wrong", "101")]
    assert f"voicemail {during.id} left during the stay at 14:00:15 survived" in findings[0].what


def test_a_voicemail_deleted_again_by_a_later_life_is_doubled_unless_that_life_began_first(
    sandbox: Sandbox, policy: RoomPolicy
) -> None:
    events = a_stay_then_check_out()
    as_the_connector_leaves_it(sandbox, policy, events)
    lives = [T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=60)]
    deletions = sandbox.account.voicemail_deletions
    deletions += [
        VoicemailDeletion("in-flight", "u", T0 + timedelta(seconds=31), found=True),
        VoicemailDeletion("in-flight", None, T0 + timedelta(seconds=32), found=False),
        VoicemailDeletion("stale", "u", T0 + timedelta(seconds=40), found=True),
        VoicemailDeletion("stale", None, T0 + timedelta(seconds=61), found=False),
    ]
    outcome = outcome_of(events, sandbox, life_starts=lives)

    findings = check(outcome, sandbox, policy, "US")

    # "in-flight": both by life 2 (a repeat within one life). "stale": life 3 began after
    # Zoom had deleted it, so its listing cannot have shown it.
    assert [(f.kind, f.what.split()[1]) for f in findings] == [
        ("doubled", "in-flight"), ("doubled", "stale")]


def test_a_report_sent_twice_by_one_life_is_doubled_and_again_after_a_kill_is_a_note(
    sandbox: Sandbox, policy: RoomPolicy
) -> None:
    events = a_stay_then_check_out()
    as_the_connector_leaves_it(sandbox, policy, events)
    twice = {"id": "r-1", "type": "maid_status", "room": "101"}
    after_kill = {"id": "r-2", "type": "maid_status", "room": "101"}
    deliveries = [Delivery(twice, 1), Delivery(twice, 1), Delivery(after_kill, 1),
                  Delivery(after_kill, 2)]
    outcome = outcome_of(events, sandbox, deliveries=deliveries)

    findings = check(outcome, sandbox, policy, "US")

    assert findings == [Finding("doubled", "101",
                                "report r-1 (maid_status) was delivered twice by life 1")]
    assert outcome.notes == ["report r-2 delivered again by life 2 after a kill (same id)"]


def test_an_acknowledged_event_the_store_lacks_is_lost(
    sandbox: Sandbox, policy: RoomPolicy
) -> None:
    events = a_stay_then_check_out()
    as_the_connector_leaves_it(sandbox, policy, events)
    outcome = outcome_of(events, sandbox)
    outcome.standings["dnd"] = None

    findings = check(outcome, sandbox, policy, "US")

    assert findings == [Finding("lost", "101", "event dnd (dnd) was acknowledged but "
                                "GET /v1/events answers 404")]
