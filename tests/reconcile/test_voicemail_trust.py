"""When a check-out may trust the voicemail index instead of a listing (pure rules), and how
Zoom's voicemail events are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connector.reconcile.voicemail_intake import VoicemailIntake
from connector.reconcile.voicemail_trust import GRACE, Evidence, judge, judged_window
from connector.store import Store
from connector.zoom.voicemail_events import parse_voicemail_received, parse_voicemails_deleted
from connector.zoom.webhooks import ZoomEvent, ZoomEventInvalid
from tests.support.fake_clock import FakeClock

NIGHT = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
LAST_NIGHT = NIGHT - timedelta(days=1)


def test_the_first_sweep_trusts_the_index_from_its_start() -> None:
    assert judge(Evidence(), started=NIGHT, trusted=False, swept_before=False) == NIGHT


def test_voicemails_of_the_day_that_no_webhook_brought_withdraw_trust() -> None:
    assert judge(Evidence(came=0, missed=3), started=NIGHT, trusted=True,
                 swept_before=True) is None


def test_a_lost_webhook_among_many_that_came_keeps_trust() -> None:
    assert judge(Evidence(came=20, missed=1), started=NIGHT, trusted=True,
                 swept_before=True) == NIGHT


def test_trust_once_withdrawn_comes_back_only_when_a_webhook_came() -> None:
    quiet_day = judge(Evidence(), started=NIGHT, trusted=False, swept_before=True)
    webhooks_back = judge(Evidence(came=1), started=NIGHT, trusted=False, swept_before=True)
    assert (quiet_day, webhooks_back) == (None, NIGHT)


def test_the_judged_window_runs_from_the_last_sweep_to_a_grace_before_this_one() -> None:
    assert judged_window(LAST_NIGHT, None, NIGHT) == (LAST_NIGHT, NIGHT - GRACE)
    first_webhook = NIGHT - timedelta(hours=5)
    assert judged_window(None, first_webhook, NIGHT) == (first_webhook, NIGHT - GRACE)
    assert judged_window(None, None, NIGHT) is None
    assert judged_window(NIGHT - timedelta(minutes=1), None, NIGHT) is None


def event(name: str, found: object) -> ZoomEvent:
    return ZoomEvent(event=name, event_ts=1, payload={"account_id": "a", "object": found})


def test_a_call_queues_voicemail_is_no_rooms() -> None:
    heard = parse_voicemail_received(event("phone.voicemail_received", {
        "id": "vm1", "date_time": "2026-12-07T10:00:00Z", "callee_id": "q1",
        "callee_extension_type": "callQueue", "callee_number": "800"}))
    assert (heard.owner_id, heard.owner_kind) == (None, "callQueue")


@pytest.mark.parametrize("found", [
    {"date_time": "2026-12-07T10:00:00Z"},  # no id
    {"id": "vm1", "date_time": "2026-12-07T10:00:00"},  # no zone
    "not an object",
])
def test_a_received_event_that_cannot_be_read_is_refused(found: object) -> None:
    with pytest.raises(ZoomEventInvalid, match=r"phone\.voicemail_received"):
        parse_voicemail_received(event("phone.voicemail_received", found))


@pytest.mark.parametrize("found", [{"voice_mails": []}, {"voice_mails": [{"x": 1}]}, {}])
def test_a_deletion_naming_no_voicemail_is_refused(found: object) -> None:
    with pytest.raises(ZoomEventInvalid, match=r"phone\.voicemail_deleted"):
        parse_voicemails_deleted(event("phone.voicemail_deleted", found))


def test_a_permanent_deletion_marks_the_voicemail_deleted_once() -> None:
    with Store(":memory:", clock=FakeClock()) as store:
        intake = VoicemailIntake(store)
        received = event("phone.voicemail_received", {
            "id": "vm1", "date_time": "2026-12-07T10:00:00Z", "callee_user_id": "u114",
            "callee_id": "ext114", "callee_extension_type": "user", "callee_number": "114",
            "callee_number_type": 1})
        gone = event("phone.voicemail_permanently_deleted", {"voice_mails": [{"id": "vm1"}]})

        outcomes = [intake(received), intake(gone), intake(gone), intake(received)]

        assert outcomes == ["indexed", "deleted", "duplicate", "duplicate"]
        assert store.voicemails.live("u114", before=NIGHT) == []
