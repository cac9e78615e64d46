"""The FIAS door against the simulated PMS over loopback: an idle night on one connection,
a PMS that ends the link with LE, a PMS that never speaks, and `connector sync --pms`.
What arrives lands in the store, as with `connector serve`."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from prometheus_client import CollectorRegistry

from connector.cli import main
from connector.pms.fias.codec import Record
from connector.pms.fias.config import AliveCheck, AliveRecord, LinkConfig
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY
from connector.sandbox.fias_pms import FiasPms, PmsConfig, PmsStyle
from connector.serve.fias_door import FiasDoor, link_config
from connector.settings.model import FiasMode
from tests.scenarios.hotel import Hotel, open_hotel
from tests.support.waiting import until


@dataclass
class Desk:
    hotel: Hotel
    pms: FiasPms
    door: FiasDoor

    def occupied(self, room: str) -> bool:
        state = self.hotel.connector.store.room(room)
        return state is not None and bool(state.stays)




@asynccontextmanager
async def front_desk(tmp_path: Path, style: PmsStyle = PmsStyle.IFC8, *,
                     scale: Callable[[LinkConfig], LinkConfig] = lambda c: c,
                     **env: str) -> AsyncIterator[Desk]:
    """The door of a running connector, dialling a simulated PMS with one guest in house."""
    async with open_hotel(tmp_path, CONNECTOR_FIAS__RESYNC_DAILY_AT="", **env) as hotel:
        pms = FiasPms(PmsConfig(style=style), local_time=hotel.sandbox.clock.now)
        pms.in_house.apply(Record.of("GI", ("RN", "101"), ("G#", "5001"), ("GN", "Lima")))
        port = await pms.serve()
        fias = hotel.settings.fias.model_copy(update={"mode": FiasMode.CLIENT, "port": port})
        door = FiasDoor(fias, hotel.connector, tz=ZoneInfo(hotel.settings.hotel.timezone),
                        clock=hotel.sandbox.clock, registry=CollectorRegistry(),
                        resync_poll_seconds=0.05, link=scale(link_config(fias)))
        stop = asyncio.Event()
        running = asyncio.create_task(door.run(stop))
        try:
            yield Desk(hotel, pms, door)
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)
            await pms.close()


def alive_every(interval: float, dead_after: float) -> Callable[[LinkConfig], LinkConfig]:
    """Oracle's alive check with its 300 s / 360 s scaled down."""
    return lambda config: replace(
        config, alive=AliveCheck(AliveRecord.LS, interval, dead_after, answer_la=False))


async def test_an_idle_night_against_ifc8_keeps_one_connection_and_resyncs_once(
    tmp_path: Path,
) -> None:
    # 300 s -> 0.3 s: three seconds here are fifty minutes at the hotel.
    async with front_desk(tmp_path, scale=alive_every(0.3, 0.36)) as desk:
        await until(lambda: desk.occupied("101"))  # the first link-up's resync brought her
        await asyncio.sleep(3.0)
        pms = desk.pms
        checks = [at for record, at in zip(pms.received, pms.received_at, strict=True)
                  if record.type == "LS"]
        assert desk.door.endpoint.is_up
        assert pms.connections == 1
        assert len(checks) >= 6
        gaps = [later - earlier for earlier, later in itertools.pairwise(checks)]
        assert min(gaps) >= 0.25, gaps  # never more often than the interval (less jitter)
        assert len(pms.received_of("DR")) == 1
        assert len(pms.received_of("LA")) == 1  # the handshake's: never an LA alive check


async def test_le_from_the_pms_then_a_check_in_two_seconds_later_reaches_the_store(
    tmp_path: Path,
) -> None:
    async with front_desk(tmp_path) as desk:
        await until(lambda: desk.occupied("101"))
        await desk.pms.send_le()
        assert len(desk.pms.received_of("LE")) == 1  # we answered its LE
        await asyncio.sleep(2.0)
        await desk.pms.send(Record.of("GI", ("RN", "102"), ("G#", "5002"), ("GN", "Okafor")))
        await until(lambda: desk.occupied("102"), within=5.0)
        assert desk.pms.connections == 2  # we dialled again, 1 s after the LE
        assert len(desk.pms.received_of("DR")) == 1  # a short gap: no second resync


async def test_a_pms_that_never_speaks_keeps_its_link_through_a_long_silence(
    tmp_path: Path,
) -> None:
    async with front_desk(tmp_path, PmsStyle.QUIET, CONNECTOR_FIAS__PROFILE="quiet") as desk:
        await until(lambda: desk.occupied("101"))
        # Ten silent minutes pass at the hotel (the old rule dropped the link after 180 s);
        # then housekeeping reports the room clean and a guest checks in.
        desk.hotel.sandbox.clock.advance(600)
        await desk.door.endpoint.send(Record.of("RE", ("RN", "101"), ("RS", "3")))
        await desk.pms.wait_for("RE")
        await desk.pms.send(Record.of("GI", ("RN", "102"), ("G#", "5002"), ("GN", "Okafor")))
        await until(lambda: desk.occupied("102"))
        assert desk.pms.connections == 1
        assert len(desk.pms.received_of("DR")) == 1
        handshake = 1 + len(desk.pms.received_of("LR")) + 1  # LD, the LRs, LA
        assert len(desk.pms.received) == handshake + 2  # the DR and the RE: no alive record


async def test_connector_sync_pms_asks_the_running_service_for_a_resync(
    tmp_path: Path,
) -> None:
    async with front_desk(tmp_path, CONNECTOR_FIAS__MODE="client") as desk:
        await until(lambda: len(desk.pms.received_of("DR")) == 1)
        env = {**desk.hotel.sandbox.environment(str(tmp_path / "rooms.csv")),
               "CONNECTOR_STORE__PATH": str(desk.hotel.store_path),
               "CONNECTOR_FIAS__MODE": "client"}
        result = await asyncio.to_thread(
            CliRunner().invoke, main, ["sync", "--pms"], env=env)
        assert result.exit_code == 0, result.output
        assert "DR requested; the running service will send it when the link is up" in (
            result.output)
        await until(lambda: len(desk.pms.received_of("DR")) == 2)
        await until(lambda: desk.hotel.connector.store.meta(RESYNC_REQUEST_KEY) is None)


async def test_connector_sync_pms_without_a_fias_link_says_so(tmp_path: Path) -> None:
    async with open_hotel(tmp_path) as hotel:
        env = {**hotel.sandbox.environment(str(tmp_path / "rooms.csv")),
               "CONNECTOR_STORE__PATH": str(hotel.store_path), "CONNECTOR_FIAS__MODE": "off"}
        result = await asyncio.to_thread(
            CliRunner().invoke, main, ["sync", "--pms"], env=env)
    assert result.exit_code == 1
    assert "No FIAS link is configured" in result.output
