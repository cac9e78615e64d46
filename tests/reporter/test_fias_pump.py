"""The FIAS pump's choices when a send goes wrong, against a scripted link (no socket)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from connector.pms.fias.codec import Record
from connector.pms.fias.errors import LinkNotUp, SendFailed
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import FiasChannel
from connector.store import Store
from tests.fias.conftest import HOTEL
from tests.reporter.conftest import posting_numbered, state_of, until

CALL_ENDED = datetime(2026, 3, 10, 21, 14, 5, tzinfo=HOTEL)


class ScriptedLink:
    """A link whose sends fail as scripted (one failure per send, then success)."""

    def __init__(self) -> None:
        self.up = asyncio.Event()
        self.up.set()
        self.failures: list[Exception] = []
        self.sent: list[Record] = []
        self.tries: list[Record] = []

    @property
    def is_up(self) -> bool:
        return self.up.is_set()

    async def wait_up(self) -> None:
        await self.up.wait()

    async def send(self, record: Record) -> None:
        self.tries.append(record)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, LinkNotUp | SendFailed):
                self.up.clear()
            raise failure
        self.sent.append(record)


@pytest.fixture
def link() -> ScriptedLink:
    return ScriptedLink()


@pytest.fixture
async def reporter(store: Store, link: ScriptedLink) -> AsyncIterator[Reporter]:
    running = Reporter(store, FiasChannel(link, answer_timeout=60), tz=HOTEL)
    task = asyncio.create_task(running.run())
    yield running
    await running.stop(grace=1)
    await task


async def test_a_posting_that_may_have_arrived_is_unknown_and_never_resent(
    store: Store, link: ScriptedLink, reporter: Reporter
) -> None:
    link.failures.append(SendFailed("no ACK after 3 tries", maybe_delivered=True))
    p_number = reporter.post_charge("101", 500, "5551234", 60, CALL_ENDED)
    await until(lambda: state_of(store, posting_numbered(store, p_number)) == "unknown")

    link.up.set()
    reporter.nudge()
    reporter.maid_status("101", 3)
    await until(lambda: len(link.sent) == 1)

    assert [r.type for r in link.tries] == ["PS", "RE"]
    assert "no ACK" in (posting_numbered(store, p_number).last_error or "")


async def test_a_posting_that_never_left_goes_when_the_link_is_back(
    store: Store, link: ScriptedLink, reporter: Reporter
) -> None:
    link.failures.append(LinkNotUp())
    p_number = reporter.post_charge("101", 500, "5551234", 60, CALL_ENDED)
    await until(lambda: len(link.tries) == 1)
    await until(lambda: state_of(store, posting_numbered(store, p_number)) == "pending")

    link.up.set()
    await until(lambda: len(link.sent) == 1)

    assert link.sent[0].get("P#") == str(p_number)
    assert state_of(store, posting_numbered(store, p_number)) == "sent"  # waits for its PA


async def test_a_maid_status_that_may_have_arrived_is_sent_again(
    store: Store, link: ScriptedLink, reporter: Reporter
) -> None:
    link.failures.append(SendFailed("no ACK after 3 tries", maybe_delivered=True))
    report = reporter.maid_status("101", 4)
    await until(lambda: len(link.tries) == 1)

    link.up.set()
    reporter.nudge()
    await until(lambda: state_of(store, report) == "sent", within=3)

    assert [str(r) for r in link.tries] == ["RE|RN101|RS4|"] * 2
