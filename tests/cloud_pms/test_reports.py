"""Reports back to a cloud PMS through the durable outbox: what the PMS answered decides each
report's state, and a posting whose answer was lost is never sent again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connector.pms.cloud.contract import Refused, Sent, Unavailable, Unknown
from connector.pms.cloud_pump import CloudPump
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import CloudChannel, choose_channel
from connector.settings.model import ReporterSettings, WebhookSettings
from connector.store import Report, Store
from tests.cloud_pms.fake_pms import FakePms
from tests.support.fake_clock import FakeClock
from tests.support.waiting import until


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> Iterator[Store]:
    with Store(":memory:", clock=clock) as opened:
        yield opened


def room_clean(store: Store, room: str = "101") -> Report:
    return store.outbox.enqueue("maid_status", room, {"room": room, "status": 3},
                                channel="cloud")


def charge(store: Store, room: str = "101") -> Report:
    return store.outbox.enqueue("posting", room, {"room": room, "amount_minor": 150},
                                channel="cloud")


def state(store: Store, report: Report) -> tuple[str, str | None]:
    now = store.outbox.get(report.id)
    assert now is not None
    return now.state, now.answer


async def pass_once(store: Store, pms: FakePms, clock: FakeClock) -> None:
    await CloudPump(store.outbox, pms, clock=clock,
                    reference=lambda report: f"a1b2c3d4-{report.id}").send_due(lambda: False)


async def test_what_the_pms_took_is_sent_and_a_charge_it_took_is_answered(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(results=[Sent(), Sent(answer="folio line 77")])
    status, posting = room_clean(store), charge(store)
    await pass_once(store, pms, clock)
    assert state(store, status) == ("sent", None)
    assert state(store, posting) == ("answered", "OK")


async def test_what_the_pms_refused_is_failed_with_its_answer(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(results=[Refused("room 999 unknown"), Refused("reservation not in house")])
    status, posting = room_clean(store, "999"), charge(store)
    await pass_once(store, pms, clock)
    assert state(store, status) == ("failed", "room 999 unknown")
    assert state(store, posting) == ("failed", "reservation not in house")


async def test_a_pms_that_is_away_gets_the_report_later_and_in_order(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(results=[Unavailable("HTTP 503", retry_after=30.0)])
    first, second = room_clean(store, "101"), room_clean(store, "102")
    await pass_once(store, pms, clock)

    waiting = store.outbox.get(first.id)
    assert waiting is not None and waiting.state == "pending"
    assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=30)
    assert [r.room for r in pms.sent] == ["101"]  # 102 waits behind it
    clock.advance(31)
    await pass_once(store, pms, clock)
    assert (state(store, first), state(store, second)) == (("sent", None), ("sent", None))


async def test_a_charge_whose_answer_was_lost_is_unknown_and_never_sent_again(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(results=[Unknown("timed out after sending")])
    posting = charge(store)
    await pass_once(store, pms, clock)
    clock.advance(3600)
    await pass_once(store, pms, clock)

    assert state(store, posting)[0] == "unknown"
    assert len(pms.sent) == 1
    assert [r.id for r in store.outbox.unknown_postings()] == [posting.id]


async def test_a_room_status_whose_answer_was_lost_is_said_again(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(results=[Unknown("timed out")])
    status = room_clean(store)
    await pass_once(store, pms, clock)
    clock.advance(5)
    await pass_once(store, pms, clock)
    assert state(store, status) == ("sent", None)
    assert len(pms.sent) == 2


async def test_a_report_the_pms_cannot_carry_is_not_deliverable_and_never_sent(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms(cannot_send={"wakeup_answer"})
    answer = store.outbox.enqueue("wakeup_answer", "101", {"room": "101"}, channel="cloud")
    await pass_once(store, pms, clock)
    kept = store.outbox.get(answer.id)
    assert kept is not None and kept.state == "failed"
    assert kept.last_error == "ohip cannot carry a wakeup_answer report"
    assert pms.sent == []


async def test_the_reporter_sends_through_the_cloud_pms_when_the_hotel_has_one(
        store: Store, clock: FakeClock) -> None:
    pms = FakePms()
    channel = choose_channel(ReporterSettings(), WebhookSettings(), None, cloud_pms=pms)
    assert isinstance(channel, CloudChannel) and channel.name == "cloud"
    reporter = Reporter(store, channel, tz=ZoneInfo("Europe/Paris"), clock=clock)
    task = asyncio.create_task(reporter.run())
    try:
        reporter.maid_status("101", 3)
        await until(lambda: len(pms.sent) == 1)
        assert pms.sent[0].kind == "maid_status"
    finally:
        await reporter.stop()
        await asyncio.gather(task, return_exceptions=True)


def test_without_a_cloud_pms_the_choice_is_unchanged() -> None:
    assert choose_channel(ReporterSettings(), WebhookSettings(), None) is None


async def test_a_charge_keeps_its_reference_only_until_the_store_is_lost(
        tmp_path: Path, clock: FakeClock) -> None:
    """Cloudbeds keeps one item per referenceID: a new database, whose report ids start at 1
    again, must not give a new night's charge the reference of an old one."""
    pms = FakePms()

    async def charge_once(path: Path) -> str:
        with Store(path, clock=clock) as store:
            reporter = Reporter(store, CloudChannel(pms), tz=ZoneInfo("Europe/Paris"),
                                clock=clock)
            task = asyncio.create_task(reporter.run())
            sent = len(pms.references)
            try:
                charge(store)
                await until(lambda: len(pms.references) > sent)
            finally:
                await reporter.stop()
                await asyncio.gather(task, return_exceptions=True)
            return pms.references[-1]

    before = await charge_once(tmp_path / "first.sqlite3")
    again = await charge_once(tmp_path / "first.sqlite3")  # the same store, restarted
    lost = await charge_once(tmp_path / "after-a-disk-loss.sqlite3")
    instance = before.removesuffix("-1")
    assert again == f"{instance}-2"
    assert lost.endswith("-1") and lost != before
