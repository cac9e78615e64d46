"""Fixtures for the reporter: a store in a file, the FIAS simulator, and a running reporter
wired to the link the way `connector serve` wires it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from connector.pms.fias.link_events import LinkUp, RecordReceived
from connector.pms.fias.transport import FiasClient
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import ReportChannel
from connector.sandbox.fias_pms import FiasPms
from connector.store import Report, Store
from tests.fias.conftest import HOTEL, make_pms


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "connector.sqlite3"


@pytest.fixture
async def pms() -> AsyncIterator[FiasPms]:
    """The simulated PMS, answering every posting OK."""
    sim = make_pms()
    yield sim
    await sim.close()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


async def _serve_wiring(client: FiasClient, reporter: Reporter) -> None:
    """What `connector serve` does with the link's events, for the reporter's part."""
    async for event in client.events():
        if isinstance(event, LinkUp):
            reporter.nudge()
        elif isinstance(event, RecordReceived) and event.record.type == "PA":
            reporter.on_posting_answer(event.record)


@asynccontextmanager
async def running_reporter(
    store: Store, channel: ReportChannel | None, *, link: FiasClient | None = None
) -> AsyncIterator[Reporter]:
    reporter = Reporter(store, channel, tz=HOTEL)
    tasks = [asyncio.create_task(reporter.run())]
    if link is not None:
        tasks.append(asyncio.create_task(_serve_wiring(link, reporter)))
    try:
        yield reporter
    finally:
        await reporter.stop(grace=2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def until(check: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `check()` holds (the pumps run in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        if check():
            return
        if loop.time() > deadline:
            raise TimeoutError(f"still not so after {within} s")
        await asyncio.sleep(0.02)


def state_of(store: Store, report: Report | int) -> str:
    report_id = report if isinstance(report, int) else report.id
    found = store.outbox.get(report_id)
    assert found is not None
    return found.state


def posting_numbered(store: Store, p_number: int) -> Report:
    """The newest posting with this P# (tests make few reports)."""
    found = [r for i in range(1, 500) if (r := store.outbox.get(i)) is not None
             and r.p_number == p_number]
    assert found, f"no posting P#{p_number}"
    return found[-1]
