"""Kill -9 between a call's posting and the PMS's answer: `connector serve` (call accounting
on) as a real process, a FIAS PMS that takes the PS and never answers, the process killed
the moment the PS is out and started again on the same store, Zoom sending the call again.
Exactly one PS reaches the PMS; the posting is unknown (it may be on the folio), never sent
twice, never given a new P#."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from connector.billing.webhook import CALLER_HISTORY_COMPLETED
from connector.pms.fias.codec import Record
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.fias_pms.simulator import FiasPms, PmsConfig
from connector.sandbox.server import SandboxServer
from connector.web.zoom_signing import zoom_headers
from tests.billing.front_desk import call_row
from tests.crash.child import ConnectorProcess, free_port

SECRET_TOKEN = "zoom-app-secret-token-harbour"


def _environment(sandbox: Sandbox, workdir: Path, pms_port: int) -> dict[str, str]:
    room_map = sandbox.hotel.write_room_map(workdir / "rooms.csv")
    return {
        **sandbox.environment(str(room_map)),
        "CONNECTOR_STORE__PATH": str(workdir / "connector.sqlite3"),
        "CONNECTOR_FIAS__MODE": "client",
        "CONNECTOR_FIAS__PORT": str(pms_port),
        "CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN": SECRET_TOKEN,
        "CONNECTOR_BILLING__TARIFF_FILE": str(workdir / "tariff.yaml"),
        "CONNECTOR_REPORTER__POSTING_ANSWER_TIMEOUT_SECONDS": "5",
        "CONNECTOR_WAKEUP__RETRIES": "0",
        "CONNECTOR_LOG__FORMAT": "json",
    }


def _read(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, args).fetchall()


async def _until(check: object, within: float, what: str) -> None:
    assert callable(check)
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)


async def test_a_call_posting_killed_before_its_answer_reaches_the_pms_once(
    tmp_path: Path,
) -> None:
    sandbox = Sandbox(SandboxConfig(floors=1, rooms_per_floor=6))
    pms = FiasPms(PmsConfig(posting_answer=None), local_time=lambda: datetime.now(UTC))
    db = tmp_path / "connector.sqlite3"
    async with SandboxServer(sandbox):
        env = _environment(sandbox, tmp_path, await pms.serve())
        process = ConnectorProcess(env, tmp_path / "connector.log", free_port(),
                                   command=("-m", "tests.crash.billing_child"))
        try:
            await process.start()
            await process.wait_ready()
            await asyncio.wait_for(pms.link_up.wait(), 10)
            room = sandbox.hotel.rooms[0]
            await pms.send(Record.of("GI", ("RN", room.room), ("G#", "4711"),
                                     ("GN", "Lovelace")))
            await _until(lambda: _read(db, "SELECT 1 FROM stays WHERE room = ?", room.room),
                         10, "the check-in was not kept")
            row = call_row(str(room.extension), datetime.now(UTC) + timedelta(seconds=1),
                           call_id="7214-kill-9")
            body = json.dumps({"event": CALLER_HISTORY_COMPLETED, "event_ts": 1,
                               "payload": {"account_id": "HarbourView", "object": {
                                   "user_id": "u-1", "call_logs": [row]}}}).encode()

            async def zoom_sends() -> httpx.Response:
                async with httpx.AsyncClient() as http:
                    return await http.post(
                        f"{process.url}/zoom/events", content=body,
                        headers={"Content-Type": "application/json",
                                 **zoom_headers(body, SECRET_TOKEN, int(time.time()))})

            assert (await zoom_sends()).status_code == 200
            await pms.wait_for("PS", within=10)
            await process.kill()  # the PS is out; its PA never came

            await process.start()
            await process.wait_ready()
            await asyncio.wait_for(pms.link_up.wait(), 10)
            again = await zoom_sends()  # Zoom's retry, after the restart
            assert again.json() == {"status": "duplicate"}
            await _until(lambda: _read(db, "SELECT state FROM outbox WHERE p_number = 1")
                         == [("unknown",)], 20, "the posting never became unknown")
        finally:
            await process.stop()
            await pms.close()

    [posted] = pms.received_of("PS")
    assert (posted.get("RN"), posted.get("P#"), posted.get("TA")) == (room.room, "1", "400")
    assert _read(db, "SELECT state, p_number FROM calls") == [("posted", 1)]
    assert _read(db, "SELECT count(*) FROM outbox WHERE kind = 'posting'") == [(1,)]
