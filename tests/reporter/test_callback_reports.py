"""Reports reach a webhook PMS: signed JSON POSTs to its callback URL, retried until 2xx."""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from connector.pms.fias.outbound import GuestServiceStatus, MaidStatus
from connector.pms.reporter_channels import CallbackChannel
from connector.store import Store
from tests.fias.conftest import HOTEL
from tests.reporter.conftest import posting_numbered, running_reporter, state_of, until
from tests.reporter.receiver import SECRET, Receiver, serving

ASKED_FOR = datetime(2026, 3, 10, 6, 30, tzinfo=HOTEL)
CALL_ENDED = datetime(2026, 3, 10, 21, 14, 5, tzinfo=HOTEL)


def channel(url: str, *, retry_max: int = 3, secret: str = SECRET) -> CallbackChannel:
    return CallbackChannel(url, (SecretStr(secret),), timeout=2, retry_max=retry_max,
                           backoff=0.01, backoff_max=0.05)


async def test_every_report_arrives_signed_as_documented_json(store: Store) -> None:
    async with serving(Receiver()) as pms, \
            running_reporter(store, channel(pms.url)) as reporter:
        reporter.wakeup_answer("101", ASKED_FOR, "NR")
        reporter.wakeup_set_by_guest("102", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))
        reporter.wakeup_cleared_by_guest("102", datetime(2026, 3, 11, 7, 0, tzinfo=HOTEL))
        reporter.maid_status("103", MaidStatus.CLEAN_OCCUPIED)
        p_number = reporter.post_charge("104", 250, "00390612345678", 125, CALL_ENDED)
        reporter.guest_service("105", GuestServiceStatus.MAKE_UP_ROOM)
        await until(lambda: len(pms.accepted) == 6)
        await until(lambda: state_of(store, posting_numbered(store, p_number)) == "answered")

    answer, wake_set, wake_clear, maid, charge, service = pms.accepted
    assert pms.bad_signatures == 0
    assert {k: answer[k] for k in ("type", "room", "requested_at", "status")} == {
        "type": "wakeup_answer", "room": "101", "requested_at": "2026-03-10T06:30:00+01:00",
        "status": "NR"}
    assert (wake_set["type"], wake_set["at"]) == ("wakeup_set", "2026-03-11T07:00:00+01:00")
    assert (wake_clear["type"], wake_clear["at"]) == ("wakeup_clear", wake_set["at"])
    assert (maid["status"], maid["status_name"]) == (4, "clean_occupied")
    assert {k: charge[k] for k in ("type", "room", "posting_number", "amount_minor",
                                   "dialled", "duration_seconds", "at", "posting_type")} == {
        "type": "posting", "room": "104", "posting_number": p_number, "amount_minor": 250,
        "dialled": "00390612345678", "duration_seconds": 125,
        "at": "2026-03-10T21:14:05+01:00", "posting_type": "C"}
    assert {k: service[k] for k in ("type", "room", "status", "status_name")} == {
        "type": "guest_service", "room": "105", "status": 9, "status_name": "make_up_room"}
    assert len({r["id"] for r in pms.accepted}) == 6


async def test_a_busy_pms_gets_the_report_again_until_it_takes_it(store: Store) -> None:
    receiver = Receiver(script=[(503, {}), (503, {}), (200, {})])
    async with serving(receiver) as pms, \
            running_reporter(store, channel(pms.url)) as reporter:
        report = reporter.maid_status("101", MaidStatus.DIRTY_VACANT)
        await until(lambda: state_of(store, report) == "sent")

    assert pms.attempts == 3 and len(pms.accepted) == 1
    kept = store.outbox.get(report.id)
    assert kept is not None and kept.attempts == 3


async def test_a_pms_down_for_longer_than_a_round_loses_nothing_and_keeps_order(
    store: Store,
) -> None:
    receiver = Receiver(script=[(503, {})] * 5)
    async with serving(receiver) as pms, \
            running_reporter(store, channel(pms.url, retry_max=2)) as reporter:
        first = reporter.maid_status("101", 1)
        second = reporter.maid_status("102", 3)
        await until(lambda: state_of(store, second) == "sent")

    assert [r["room"] for r in pms.accepted] == ["101", "102"]
    kept = store.outbox.get(first.id)
    assert kept is not None and kept.attempts == 6 and kept.last_error == "HTTP 503"


async def test_a_report_the_pms_refuses_fails_with_its_answer_and_the_next_goes(
    store: Store,
) -> None:
    refusal = {"error": "room 999 is not in this hotel"}
    receiver = Receiver(script=[(422, refusal)])
    async with serving(receiver) as pms, \
            running_reporter(store, channel(pms.url)) as reporter:
        refused = reporter.maid_status("999", 1)
        after = reporter.maid_status("101", 1)
        await until(lambda: state_of(store, after) == "sent")

    failed = store.outbox.get(refused.id)
    assert failed is not None and failed.state == "failed"
    assert failed.answer is not None and "room 999 is not in this hotel" in failed.answer
    assert pms.attempts == 2
    assert "refused by the PMS" in reporter.status().problems()[0]


async def test_a_wrong_secret_keeps_reports_until_it_is_fixed(store: Store) -> None:
    async with serving(Receiver()) as pms:
        async with running_reporter(
            store, channel(pms.url, retry_max=1, secret="not-the-shared-secret")
        ) as reporter:
            report = reporter.maid_status("101", 1)
            await until(lambda: pms.bad_signatures >= 2)
            assert state_of(store, report) == "pending"
        async with running_reporter(store, channel(pms.url)):
            await until(lambda: state_of(store, report) == "sent")

    assert [r["room"] for r in pms.accepted] == ["101"]


async def test_a_posting_refused_in_the_answer_body_is_answered_with_that_status(
    store: Store,
) -> None:
    async with serving(Receiver(script=[(200, {"status": "NP"})])) as pms, \
            running_reporter(store, channel(pms.url)) as reporter:
        p_number = reporter.post_charge("101", 990, "0044201234567", 600, CALL_ENDED)
        await until(lambda: state_of(store, posting_numbered(store, p_number)) == "answered")

    assert posting_numbered(store, p_number).answer == "NP"
