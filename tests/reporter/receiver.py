"""A webhook PMS's callback endpoint, served by uvicorn on loopback: it verifies each
request with the connector's own signing rules and answers as the test scripts it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from connector.web.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify

SECRET = "harbour-view-callback-secret-2026"


@dataclass
class Receiver:
    """Answers each POST with the next scripted (status, body), then 200 {}."""

    secrets: list[str] = field(default_factory=lambda: [SECRET])
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    attempts: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)  # verified and answered 2xx
    bad_signatures: int = 0
    url: str = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.attempts += 1
        try:
            verify(body, timestamp_header=headers.get(TIMESTAMP_HEADER.lower()),
                   signature_header=headers.get(SIGNATURE_HEADER.lower()),
                   secrets=self.secrets, now=time.time(), tolerance=300)
        except SignatureError as error:
            self.bad_signatures += 1
            await _answer(send, 401, {"error": error.code})
            return
        status, answer = self.script.pop(0) if self.script else (200, {})
        if 200 <= status < 300:
            self.accepted.append(json.loads(body))
        await _answer(send, status, answer)


async def _answer(send: Any, status: int, answer: dict[str, Any]) -> None:
    payload = json.dumps(answer).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": payload})


@asynccontextmanager
async def serving(receiver: Receiver) -> AsyncIterator[Receiver]:
    server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}/zoom/reports"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
