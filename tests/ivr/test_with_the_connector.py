"""The room-phone services on a whole connector (the emulated Zoom, the real store and
`Connector.ingest`): their changes are kept like the PMS's, and Zoom is left alone."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.ivr.handler import Ivr
from connector.pms.reporter import Reporter
from connector.sip.api import CallerId
from tests.ivr.fakes import FakeCall, FakeVoice, Step, keys
from tests.scenarios.hotel import Hotel, open_hotel, reopen


def room_phones(hotel: Hotel) -> Ivr:
    connector = hotel.connector
    tz = ZoneInfo(hotel.settings.hotel.timezone)
    return Ivr(hotel.settings.ivr, tz=tz, rooms=connector.store, ingest=connector.ingest,
               reporter=Reporter(connector.store, None, tz=tz, clock=hotel.sandbox.clock),
               voice=FakeVoice(), clock=hotel.sandbox.clock, room_map=connector.room_map,
               registry=CollectorRegistry())


async def dial(hotel: Hotel, room: str, dialled: str, script: list[Step]) -> None:
    extension = hotel.connector.room_map[room]
    await room_phones(hotel)(FakeCall(hotel.sandbox.clock, script),
                             CallerId(number=extension, name="", from_user=extension,
                                      dialled=dialled))


async def test_statuses_and_wakeups_from_the_phone_survive_a_restart_and_change_nothing_in_zoom(
    tmp_path: Path,
) -> None:
    async with open_hotel(tmp_path, CONNECTOR_IVR__HOUSEKEEPING_NUMBER="7001",
                          CONNECTOR_IVR__WAKEUP_NUMBER="7002") as hotel:
        room = sorted(hotel.connector.room_map)[0]
        hotel.check_in(room, "Ada", "Lovelace")
        await hotel.settle()
        shown = hotel.shown_name(room)
        mark = hotel.mark()

        await dial(hotel, room, "7001", keys("2"))
        await dial(hotel, room, "7002", [*keys("1"), *keys("0630"), *keys("1")])
        await hotel.settle()
        await reopen(hotel)
        await hotel.settle()

        state = hotel.connector.store.room(room)
        assert state is not None and state.housekeeping is not None
        assert (state.housekeeping.status, state.housekeeping.maid_status) == ("clean", 4)
        assert len(state.wakeups) == 1
        assert hotel.shown_name(room) == shown
        writes = [name for name in hotel.calls_since(mark)
                  if name.startswith(("update_", "set_", "delete_"))]
        assert writes == []
        assert hotel.refused_calls() == []
