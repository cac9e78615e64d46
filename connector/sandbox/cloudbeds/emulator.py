"""One emulated Cloudbeds property: its state, its API key's gate, its webhook sender and the
ASGI app serving them; and `serve_cloudbeds`, which serves it over real HTTP on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

from connector.clock import Clock, SystemClock
from connector.sandbox.cloudbeds.access import Gate
from connector.sandbox.cloudbeds.app import API_PREFIX, CloudbedsApp
from connector.sandbox.cloudbeds.state import CloudbedsState
from connector.sandbox.cloudbeds.webhooks_out import WebhookFaults, WebhookSender
from connector.sandbox.server import LOOPBACK, Serving, _listen

DEFAULT_API_KEY = "cbat_sandbox_key"


class CloudbedsEmulator:
    """A Cloudbeds property with `rooms` (room numbers) and API key `api_key`.

    `limit`: requests in any one second above which the key is suspended (Cloudbeds: 5 per
    property, 10 for technology partners). `faults`: what happens to webhooks on the way."""

    def __init__(self, *, clock: Clock | None = None, api_key: str = DEFAULT_API_KEY,
                 property_id: str = "198765", currency: str = "EUR",
                 rooms: Iterable[str] = ("101", "102", "103", "201", "202"),
                 limit: int = 5, faults: WebhookFaults | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.state = CloudbedsState(self.clock, property_id=property_id, currency=currency)
        for name in rooms:  # the first room of each floor is a suite: two room types
            self.state.add_room(name, "Suite" if name.endswith("01") else "Standard")
        self.gate = Gate(self.clock, api_key, limit=limit)
        # An outage: the API answers 503 and the webhooks of what changes meanwhile are lost.
        self.down = False
        self.webhooks = WebhookSender(self.clock, lambda: list(self.state.subscriptions.values()),
                                      faults or WebhookFaults(), down=lambda: self.down)
        self.state.notify = self.webhooks.publish
        self.app = CloudbedsApp(self)

    @property
    def suspensions(self) -> int:
        return self.gate.suspensions

    def reactivate(self) -> None:
        """Cloudbeds lifts a suspension of the key."""
        self.gate.reactivate()

    def status(self) -> dict[str, object]:
        """What the admin API and the bench read."""
        return {
            "down": self.down,
            "suspended": self.gate.suspended, "suspensions": self.gate.suspensions,
            "requests": len(self.gate.log), "busiestSecond": self.gate.busiest_second(),
            "webhooks": {outcome: self.webhooks.count(outcome)
                         for outcome in ("delivered", "lost", "failed")},
        }


class CloudbedsServer:
    """A running emulator: `api_url` ends in /api/v1.3, `admin_url` is its /_admin."""

    def __init__(self, emulator: CloudbedsEmulator, base_url: str) -> None:
        self.emulator = emulator
        self.base_url = base_url

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def admin_url(self) -> str:
        return self.base_url + "/_admin"


@contextlib.asynccontextmanager
async def serve_cloudbeds(emulator: CloudbedsEmulator | None = None, *, host: str = LOOPBACK,
                          port: int = 0) -> AsyncIterator[CloudbedsServer]:
    """Serve `emulator` (a new one if None) with uvicorn on `host`; port 0 picks a free one.

    >>> async with serve_cloudbeds() as server:
    ...     server.api_url  # http://127.0.0.1:<port>/api/v1.3
    """
    emulator = emulator or CloudbedsEmulator()
    serving = Serving(emulator.app, [_listen(host, port)])
    await serving.start()
    try:
        await emulator.webhooks.start()
        yield CloudbedsServer(emulator, f"http://{host}:{serving.sockets[0].getsockname()[1]}")
    finally:
        await emulator.webhooks.stop()
        await serving.stop()
