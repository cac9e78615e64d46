"""The PMS's night audit (NS … NE, or a posting refused with PA AS NA): call charges wait for
it and then go in order, with their own P#; wake-up answers and maid status do not wait."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client import CollectorRegistry

from connector.cli import main
from connector.pms.fias.codec import Record
from connector.pms.fias.outbound import AnswerStatus, MaidStatus
from connector.pms.night_audit import NightAuditHold
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import FiasChannel
from connector.sandbox import Sandbox, SandboxConfig
from connector.store import Store
from tests.fias.conftest import HOTEL
from tests.reporter.conftest import posting_numbered, state_of, until
from tests.reporter.test_fias_pump import ScriptedLink
from tests.support.fake_clock import FakeClock

ASKED_FOR = datetime(2026, 3, 10, 6, 30, tzinfo=HOTEL)
CALL_ENDED = datetime(2026, 3, 10, 23, 58, 0, tzinfo=HOTEL)


@asynccontextmanager
async def running(store: Store, link: ScriptedLink, *, clock: FakeClock | None = None,
                  registry: CollectorRegistry | None = None) -> AsyncIterator[Reporter]:
    reporter = Reporter(store, FiasChannel(link, answer_timeout=60, night_audit_max_hours=6),
                        tz=HOTEL, clock=clock, registry=registry)
    task = asyncio.create_task(reporter.run())
    try:
        yield reporter
    finally:
        await reporter.stop(grace=1)
        await task


def pa(p_number: int, status: str) -> Record:
    return Record.of("PA", ("AS", status), ("DA", "260310"), ("TI", "235900"),
                     ("P#", str(p_number)), ("RN", "101"))


def sent_types(link: ScriptedLink) -> list[str]:
    return [r.type for r in link.sent]


@pytest.fixture
def link() -> ScriptedLink:
    return ScriptedLink()


async def test_charges_wait_for_the_night_audit_while_wakeup_answers_still_go(
    store: Store, link: ScriptedLink,
) -> None:
    async with running(store, link) as reporter:
        reporter.on_night_audit(started=True)
        p_number = reporter.post_charge("101", 350, "5551234", 60, CALL_ENDED)
        reporter.wakeup_answer("102", ASKED_FOR, AnswerStatus.OK)
        reporter.maid_status("103", MaidStatus.CLEAN_VACANT)
        await until(lambda: len(link.sent) == 2)
        await asyncio.sleep(0.1)
        assert sent_types(link) == ["WA", "RE"]
        assert state_of(store, posting_numbered(store, p_number)) == "pending"
        assert any("1 posting(s) held for the PMS's night audit" in line
                   for line in reporter.status().problems())

        reporter.on_night_audit(started=False)
        await until(lambda: len(link.sent) == 3)

    assert link.sent[2].type == "PS" and link.sent[2].get("P#") == str(p_number)
    assert state_of(store, posting_numbered(store, p_number)) == "sent"  # waits for its PA
    assert not any("night audit" in line for line in reporter.status().problems())


async def test_a_charge_refused_for_the_night_audit_goes_again_after_it_with_its_p_number(
    store: Store, link: ScriptedLink,
) -> None:
    async with running(store, link) as reporter:
        first = reporter.post_charge("101", 350, "5551234", 60, CALL_ENDED)
        await until(lambda: len(link.sent) == 1)
        # No NS came: the refusal alone starts the hold.
        reporter.on_posting_answer(pa(first, AnswerStatus.NIGHT_AUDIT))
        assert state_of(store, posting_numbered(store, first)) == "pending"
        second = reporter.post_charge("104", 120, "5559876", 20, CALL_ENDED)
        reporter.maid_status("103", MaidStatus.DIRTY_VACANT)
        await until(lambda: len(link.sent) == 2)
        await asyncio.sleep(0.1)
        assert sent_types(link) == ["PS", "RE"]

        reporter.on_night_audit(started=False)
        await until(lambda: len(link.sent) == 4)
        reporter.on_posting_answer(pa(first, AnswerStatus.OK))
        reporter.on_posting_answer(pa(second, AnswerStatus.OK))

    assert [r.get("P#") for r in link.sent if r.type == "PS"] == [
        str(first), str(first), str(second)]
    assert [posting_numbered(store, n).answer for n in (first, second)] == ["OK", "OK"]
    assert store.outbox.unknown_postings() == []


async def test_a_restart_during_the_night_audit_still_holds_the_charges(
    db_path: Path, link: ScriptedLink,
) -> None:
    with Store(db_path) as store:
        async with running(store, link) as reporter:
            reporter.on_night_audit(started=True)
            p_number = reporter.post_charge("101", 350, "5551234", 60, CALL_ENDED)
    with Store(db_path) as store:  # the connector restarts before NE
        async with running(store, link) as reporter:
            reporter.maid_status("103", MaidStatus.CLEAN_VACANT)
            await until(lambda: len(link.sent) == 1)
            await asyncio.sleep(0.1)
            assert sent_types(link) == ["RE"]

            reporter.on_night_audit(started=False)
            await until(lambda: len(link.sent) == 2)

    assert link.sent[1].get("P#") == str(p_number)


async def test_with_no_end_of_audit_charges_are_tried_again_after_the_limit_with_a_warning(
    db_path: Path, link: ScriptedLink, caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    with Store(db_path, clock=clock) as store:
        async with running(store, link, clock=clock) as reporter:
            p_number = reporter.post_charge("101", 350, "5551234", 60, CALL_ENDED)
            await until(lambda: len(link.sent) == 1)
            reporter.on_posting_answer(pa(p_number, AnswerStatus.NIGHT_AUDIT))
            clock.advance(timedelta(hours=5, minutes=59).total_seconds())
            reporter.nudge()
            await asyncio.sleep(0.1)
            assert len(link.sent) == 1

            with caplog.at_level(logging.WARNING, logger="connector.pms.reporter"):
                clock.advance(60)
                reporter.nudge()
                await until(lambda: len(link.sent) == 2)

    assert link.sent[1].get("P#") == str(p_number)
    assert "night audit not ended after 6 h: postings are tried again" in caplog.text


async def test_the_night_audit_gauge_is_one_while_it_runs(
    store: Store, link: ScriptedLink,
) -> None:
    registry = CollectorRegistry()
    async with running(store, link, registry=registry) as reporter:
        def gauge() -> float | None:
            return registry.get_sample_value("connector_fias_night_audit")

        assert gauge() == 0
        reporter.on_night_audit(started=True)
        assert gauge() == 1
        reporter.on_night_audit(started=False)
        assert gauge() == 0


async def test_the_night_audit_is_logged_when_it_starts_and_ends(
    store: Store, link: ScriptedLink, caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="connector.pms.reporter"):
        async with running(store, link) as reporter:
            reporter.on_night_audit(started=True)
            reporter.on_night_audit(started=True)  # a repeated NS is one audit
            reporter.on_night_audit(started=False)

    messages = [r.getMessage() for r in caplog.records if "night audit" in r.getMessage()]
    assert messages == [
        "night audit started: postings to the PMS are held until it ends",
        "night audit ended: held postings go to the PMS now",
    ]


def test_connector_status_says_the_charges_wait_for_the_night_audit(db_path: Path) -> None:
    clock = FakeClock()
    with Store(db_path, clock=clock) as store:
        hold = NightAuditHold(store, clock=clock, max_hours=6)
        hold.started("NS")
        store.outbox.enqueue("posting", "101", {"amount_minor": 350}, channel="fias")
    env = {**Sandbox(SandboxConfig()).environment(),
           "CONNECTOR_STORE__PATH": str(db_path), "CONNECTOR_FIAS__MODE": "client",
           "CONNECTOR_REPORTER__NIGHT_AUDIT_MAX_HOURS": "4", "CONNECTOR_LOG__FORMAT": "text",
           "CONNECTOR_HOTEL__TIMEZONE": "Europe/Berlin"}

    result = CliRunner().invoke(main, ["status"], env=env)

    assert result.exit_code == 0, result.output
    assert ("1 posting(s) held for the PMS's night audit (NS from the PMS) since 2026-03-10 "
            "10:00 CET; they go when it ends (NE), or are tried again at 2026-03-10 14:00 CET "
            "if no NE comes.") in result.output
