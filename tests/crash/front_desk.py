"""The PMS's side of the webhook, as docs/webhook.md asks a sender to behave: every request
signed when sent (a retry signed again), sent again until it is acknowledged (202), ids
kept across retries; and `GET /v1/events/{id}` to see where an event stands."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from connector.events.models import Event
from connector.web.signing import signature_headers


@dataclass(frozen=True)
class Ack:
    """The connector's 202 for one event: it is durable from here on."""

    event_id: str
    seq: int
    duplicate: bool
    at: float  # time.monotonic()


@dataclass
class FrontDesk:
    url: str
    secret: str
    acks: dict[str, Ack] = field(default_factory=dict)
    attempts: int = 0  # requests sent, retries included
    unanswered: int = 0  # requests the connector did not acknowledge (killed, not ready)

    def _headers(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json",
                **signature_headers(body, [self.secret], int(time.time()))}

    async def send(self, client: httpx.AsyncClient, events: list[Event]) -> list[Ack]:
        """POST the batch until the connector acknowledges it; its acknowledgements."""
        body = json.dumps({"events": [json.loads(e.model_dump_json()) for e in events]},
                          separators=(",", ":")).encode()
        while True:
            self.attempts += 1
            try:
                answer = await client.post(f"{self.url}/v1/pms/events", content=body,
                                           headers=self._headers(body))
            except httpx.TransportError:
                answer = None
            if answer is not None and answer.status_code == 202:
                now = time.monotonic()
                acks = [Ack(e["id"], e["seq"], e["duplicate"], now)
                        for e in answer.json()["events"]]
                for ack in acks:
                    self.acks.setdefault(ack.event_id, ack)
                return acks
            if answer is not None and answer.status_code < 500:
                raise AssertionError(f"the connector refused a batch the PMS built right: "
                                     f"{answer.status_code} {answer.text}")
            self.unanswered += 1
            await asyncio.sleep(0.1)

    async def event(self, client: httpx.AsyncClient, event_id: str) -> dict[str, Any] | None:
        """`GET /v1/events/{id}`: the event's standing, None when never received (404);
        retried while the connector does not answer."""
        while True:
            try:
                answer = await client.get(f"{self.url}/v1/events/{event_id}",
                                          headers=self._headers(b""))
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            if answer.status_code == 404:
                return None
            if answer.status_code == 200:
                result: dict[str, Any] = answer.json()
                return result
            await asyncio.sleep(0.1)
