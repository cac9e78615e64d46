"""End to end: a call on the room phone, and its report arriving at the PMS, over a FIAS link
(the PMS simulator on a real socket) and over the signed webhook callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.events.models import CheckIn, Guest
from connector.ivr.handler import Ivr
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import CallbackChannel, FiasChannel
from connector.settings.phone import IvrSettings
from connector.sip.api import CallerId
from connector.store import Store
from tests.fias.conftest import make_pms, running_client
from tests.ivr.conftest import HOTEL, HOUSEKEEPING, ROOM_MAP, WAKEUP, ingest_into
from tests.ivr.fakes import FakeCall, FakeVoice, Step, keys
from tests.reporter.conftest import running_reporter, until
from tests.reporter.receiver import SECRET, Receiver, serving
from tests.support.fake_clock import FakeClock

SETTINGS = IvrSettings(housekeeping_number=HOUSEKEEPING, wakeup_number=WAKEUP,
                       code_out_of_order="8")


class Phones:
    """Room phones calling an IVR that reports through `reporter`."""

    def __init__(self, store: Store, reporter: Reporter) -> None:
        self.clock = FakeClock()
        self.ivr = Ivr(SETTINGS, tz=HOTEL, rooms=store, ingest=ingest_into(store),
                       reporter=reporter, voice=FakeVoice(), clock=self.clock,
                       room_map=ROOM_MAP, registry=CollectorRegistry())

        self.ingest = ingest_into(store)

    def check_in(self, room: str) -> None:
        self.ingest([CheckIn(id=f"ci-{room}", occurred_at=self.clock.now(), room=room,
                             reservation=f"R{room}", guests=[Guest(last_name="Lovelace")])],
                    source="fias")

    async def call(self, extension: str, dialled: str, script: list[Step]) -> None:
        await self.ivr(FakeCall(self.clock, script),
                       CallerId(number=extension, name="", from_user=extension, dialled=dialled))


@asynccontextmanager
async def opened(path: Path) -> AsyncIterator[Store]:
    with Store(path) as store:
        yield store


async def test_a_housekeeping_call_and_a_guest_wakeup_reach_a_fias_pms(tmp_path: Path) -> None:
    pms = make_pms()
    port = await pms.serve()
    try:
        async with opened(tmp_path / "c.sqlite3") as store, running_client(port) as client, \
                running_reporter(store, FiasChannel(client), link=client) as reporter:
            phones = Phones(store, reporter)
            await phones.call("2101", HOUSEKEEPING, keys("8"))  # out of order: not for FIAS
            await phones.call("2102", HOUSEKEEPING, keys("3"))
            phones.check_in("103")
            await phones.call("2103", WAKEUP, [*keys("1"), *keys("0630"), *keys("1")])

            maid = await pms.wait_for("RE")
            wakeup = await pms.wait_for("WR")
    finally:
        await pms.close()

    assert str(maid) == "RE|RN102|RS5|"
    assert str(wakeup) == "WR|RN103|DA260311|TI063000|"
    assert len(pms.received_of("RE")) == 1


async def test_a_housekeeping_call_and_a_guest_wakeup_reach_a_webhook_pms(
    tmp_path: Path,
) -> None:
    async with serving(Receiver()) as pms, opened(tmp_path / "c.sqlite3") as store:
        channel = CallbackChannel(pms.url, (SecretStr(SECRET),), timeout=2, retry_max=3,
                                  backoff=0.01, backoff_max=0.05)
        async with running_reporter(store, channel) as reporter:
            phones = Phones(store, reporter)
            await phones.call("2101", HOUSEKEEPING, keys("8"))
            await phones.call("2102", HOUSEKEEPING, keys("3"))
            phones.check_in("103")
            await phones.call("2103", WAKEUP, [*keys("1"), *keys("0630"), *keys("1")])
            await until(lambda: len(pms.accepted) == 3)

    condition, maid, wakeup = pms.accepted
    assert pms.bad_signatures == 0
    assert {k: condition[k] for k in ("type", "room", "status", "status_name", "condition")} == {
        "type": "maid_status", "room": "101", "status": 1, "status_name": "dirty_vacant",
        "condition": "out_of_order"}
    assert (maid["type"], maid["room"], maid["status"], maid["status_name"]) == (
        "maid_status", "102", 5, "inspected_vacant")
    assert "condition" not in maid
    assert (wakeup["type"], wakeup["room"], wakeup["at"]) == (
        "wakeup_set", "103", "2026-03-11T06:30:00+01:00")
