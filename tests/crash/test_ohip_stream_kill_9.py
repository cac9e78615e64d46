"""Kill -9 between receiving a streamed OHIP event and committing it: `connector serve` for a
hotel on OPERA Cloud, as a real process on the real adapter, takes a check-in from OHIP's
stream (stored with its offset), receives the next one and is killed before storing it.
Started again on the same store, it resumes from the stored offset: every check-in,
including one made while it was down, is applied exactly once and shown in Zoom."""

from __future__ import annotations

import asyncio
from pathlib import Path
from zoneinfo import ZoneInfo

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.ohip.emulator import OhipEmulator
from connector.sandbox.ohip.server import OhipServer
from connector.sandbox.server import SandboxServer
from tests.crash.child import ConnectorProcess, free_port, read_db, until
from tests.ohip_e2e.hotel import ohip_environment


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


async def test_an_event_received_but_not_committed_is_applied_once_after_the_restart(
        tmp_path: Path) -> None:
    zoom = Sandbox(SandboxConfig(floors=1, rooms_per_floor=6))
    entries = zoom.hotel.rooms[:3]
    rooms = [entry.room for entry in entries]
    db, received = tmp_path / "connector.sqlite3", tmp_path / "received.txt"
    async with SandboxServer(zoom):
        room_map = zoom.hotel.write_room_map(tmp_path / "rooms.csv")
        opera = OhipEmulator(rooms=[r.room for r in zoom.hotel.rooms], tz=ZoneInfo("UTC"))
        async with OhipServer(opera, extra_routes=opera.event_routes()) as ohip:
            env = {**zoom.environment(str(room_map)), **ohip_environment(ohip.base_url, opera),
                   "CONNECTOR_HOTEL__TIMEZONE": "UTC", "CONNECTOR_STORE__PATH": str(db),
                   "CONNECTOR_LOG__FORMAT": "json", "CRASH_OHIP_RECEIVED": str(received)}
            port, log = free_port(), tmp_path / "connector.log"
            command = ("-m", "tests.crash.ohip_child")
            first = ConnectorProcess({**env, "CRASH_OHIP_HOLD_AT": "2"}, log, port,
                                     command=command)
            second = ConnectorProcess(env, log, port, command=command)
            state = opera.state
            guests = [state.create_reservation(first_name, last, room=room)
                      for (first_name, last), room in zip(
                          [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing")],
                          rooms, strict=True)]
            try:
                await first.start()
                await first.wait_ready()
                state.check_in(guests[0].id)
                await until(lambda: read_db(db, "SELECT count(*) FROM cloud_notices WHERE "
                                               "state = 'applied'") == [(1,)],
                             20, "the first check-in was not applied")
                state.check_in(guests[1].id)
                await until(lambda: "holding" in _lines(received), 20,
                             "the second check-in was not received")
                await first.kill()  # received, not committed

                [(offset,)] = read_db(db, "SELECT value FROM meta WHERE key = ?",
                                    "cloud_pms.ohip.offset")
                assert offset == "1"
                assert read_db(db, "SELECT count(*) FROM cloud_notices") == [(1,)]
                state.check_in(guests[2].id)  # while the connector is down

                await second.start()
                await second.wait_ready()
                await until(lambda: read_db(db, "SELECT count(*) FROM cloud_notices WHERE "
                                               "state = 'applied'") == [(3,)],
                             30, "the check-ins were not all applied after the restart")
                await asyncio.sleep(0.5)
            finally:
                await first.kill()
                await second.stop()

    resumed = [s for s in opera.subscriptions if "offset" in s]
    assert resumed and resumed[0]["offset"] == "1"  # from the stored offset
    keys = [f"ohip:{e.unique_event_id}" for e in opera.log.after(0)]
    assert [k for (k,) in read_db(db, "SELECT key FROM cloud_notices ORDER BY rowid")] == keys
    for key in keys:
        assert read_db(db, "SELECT count(*) FROM inbox WHERE event_id = ?", f"{key}#0") == [(1,)]
    for entry, guest in zip(entries, guests, strict=True):
        assert read_db(db, "SELECT count(*) FROM stays WHERE room = ? AND until IS NULL",
                     entry.room) == [(1,)]
        assert guest.guest.surname in zoom.owner(entry.extension).display_name
