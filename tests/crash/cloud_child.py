"""`connector serve` for a hotel on a cloud PMS, with a stand-in adapter (the vendor packages
are tested on their own): `python -m tests.crash.cloud_child`.

Its web route takes notices (`POST /crash-pms/events`, a JSON list); hydrating one reads the
stay from its body and writes the notice's key to CRASH_PMS_HYDRATED (one line each). With
CRASH_PMS_HOLD=1 hydration never returns: the notices stay stored and pending until the
process is killed. Its in-house list is empty (read before any notice is applied)."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from connector.clock import Clock
from connector.events.models import CheckIn, Event, Guest
from connector.pms.cloud.contract import CloudKind, Notice, NoticeSink, SendResult, Sent
from connector.settings import Settings
from connector.store import Report
from tests.crash.cloud_serve import serve_with


class CrashPms:
    def __init__(self, hydrated: Path, hold: bool) -> None:
        self._hydrated = hydrated
        self._hold = hold

    @property
    def kind(self) -> CloudKind:
        return "ohip"

    def source(self) -> None:
        return None

    def routes(self, sink: NoticeSink) -> list[BaseRoute]:
        async def events(request: Request) -> JSONResponse:
            notices = [Notice(key=n["key"], name="CHECK IN", body=n["body"],
                              received_at=datetime.fromisoformat(n["at"]))
                       for n in await request.json()]
            return JSONResponse({"new": sink.accept(notices)})

        return [Route("/crash-pms/events", events, methods=["POST"])]

    async def start(self) -> None:
        return None

    async def hydrate(self, notice: Notice) -> list[Event]:
        if self._hold:
            await asyncio.Event().wait()  # until the kill
        with self._hydrated.open("a") as log:
            log.write(notice.key + "\n")
        body = notice.body
        return [CheckIn(id=f"{notice.key}#0", occurred_at=notice.received_at,
                        room=str(body["room"]), reservation=str(body["reservation"]),
                        guests=[Guest(last_name=str(body["guest"]))])]

    async def in_house(self) -> list[CheckIn]:
        return []

    async def send(self, report: Report) -> SendResult:
        return Sent()

    def can_send(self, report: Report) -> bool:
        return True

    async def doctor(self) -> list[tuple[str, bool, str, list[str]]]:
        return []

    async def close(self) -> None:
        return None


def _crash_pms(settings: Settings, clock: Clock) -> CrashPms:
    return CrashPms(Path(os.environ["CRASH_PMS_HYDRATED"]),
                    hold=os.environ.get("CRASH_PMS_HOLD") == "1")


if __name__ == "__main__":
    asyncio.run(serve_with(_crash_pms))
