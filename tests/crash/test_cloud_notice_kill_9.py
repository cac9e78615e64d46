"""Kill -9 between storing a cloud PMS's notices and acting on them: `connector serve` for a
hotel on a cloud PMS as a real process takes three check-in notices (answered only once
stored), is killed while hydrating the first, and is started again on the same store. Each
notice is then hydrated and applied exactly once, and a late duplicate changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx

from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.server import SandboxServer
from tests.cloud_pms.test_serve import OHIP
from tests.crash.child import ConnectorProcess, free_port, read_db, until

GUESTS = {"ohip:1": ("R1", "Lovelace"), "ohip:2": ("R2", "Hopper"), "ohip:3": ("R3", "Turing")}


async def test_notices_stored_before_a_kill_are_each_applied_once_after_the_restart(
        tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig(floors=1, rooms_per_floor=6))
    rooms = [r.room for r in sandbox.hotel.rooms[:3]]
    db, hydrated = tmp_path / "connector.sqlite3", tmp_path / "hydrated.txt"
    notices = [{"key": key, "at": datetime.now(UTC).isoformat(),
                "body": {"reservation": res, "room": room, "guest": guest}}
               for (key, (res, guest)), room in zip(GUESTS.items(), rooms, strict=True)]
    async with SandboxServer(sandbox):
        room_map = sandbox.hotel.write_room_map(tmp_path / "rooms.csv")
        env = {**sandbox.environment(str(room_map)), **OHIP,
               "CONNECTOR_STORE__PATH": str(db), "CONNECTOR_LOG__FORMAT": "json",
               "CRASH_PMS_HYDRATED": str(hydrated)}
        port, log = free_port(), tmp_path / "connector.log"
        command = ("-m", "tests.crash.cloud_child")
        first = ConnectorProcess({**env, "CRASH_PMS_HOLD": "1"}, log, port, command=command)
        second = ConnectorProcess(env, log, port, command=command)
        try:
            await first.start()
            await first.wait_ready()
            async with httpx.AsyncClient(base_url=first.url) as http:
                answer = await http.post("/crash-pms/events", json=notices)
            assert answer.json() == {"new": 3}  # stored before the answer
            await first.kill()  # hydration of the first was under way
            assert read_db(db, "SELECT key, state FROM cloud_notices ORDER BY rowid") == [
                (key, "pending") for key in GUESTS]
            assert not hydrated.exists()

            await second.start()
            await second.wait_ready()
            await until(lambda: read_db(db, "SELECT count(*) FROM cloud_notices"
                                           " WHERE state = 'applied'") == [(3,)],
                         20, "the stored notices were not applied after the restart")
            async with httpx.AsyncClient(base_url=second.url) as http:
                late = await http.post("/crash-pms/events", json=notices[:1])
            assert late.json() == {"new": 0}  # the PMS's late re-send: known
            await asyncio.sleep(0.5)
        finally:
            await first.kill()
            await second.stop()

    assert hydrated.read_text().split() == list(GUESTS)  # each once, in order
    for key, room in zip(GUESTS, rooms, strict=True):
        assert read_db(db, "SELECT count(*) FROM inbox WHERE event_id = ?", f"{key}#0") == [(1,)]
        assert read_db(db, "SELECT count(*) FROM stays WHERE room = ? AND until IS NULL",
                     room) == [(1,)]
    assert read_db(db, "SELECT body FROM cloud_notices WHERE body != '{}'") == []
