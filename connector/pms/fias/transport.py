"""The FIAS link over TCP (optionally TLS), in both roles; the connector is the PBX either way.

- `FiasClient` dials the PMS interface (the usual on-premises IFC) and redials with
  exponential backoff (1 s doubling to 60 s, reset after a link that came up).
- `FiasServer` listens for a PMS that dials out (a cloud deployment). One PMS connection is
  active at a time, and a new one REPLACES the old: a PMS dials again only when it believes
  its old connection is gone, and a half-open old socket (PMS rebooted, NAT dropped the flow)
  would otherwise lock the hotel out until the dead-link timer fires. Each replacement is
  logged as a warning, so two PMS instances fighting over the link show up in the logs.
  With an allow-list (`allowed_peers`), a connection from any other address is closed at
  once, BEFORE it could replace the PMS's: logged at WARNING with its address, reported to
  `on_refused` (a metric), and the current link goes on undisturbed.

What the lead wires up (same on both):

    endpoint = FiasClient(host, port, config=LinkConfig(...), tz=hotel_tz, clock=clock)
    runner = asyncio.create_task(endpoint.run())        # connect / listen until close()
    async for event in endpoint.events():               # LinkUp, LinkDown,
        ...                                             # RecordReceived, Malformed
    await endpoint.send(record)                         # LinkNotUp / SendFailed
    await endpoint.close()                              # LE, then stop

The application decides when to ask for a resync (`request_resync()`, DR); the outbox should
start pushing after `LinkUp` and stop at `LinkDown`.

Every FIAS socket has TCP keep-alive on (`TCP_KEEPALIVE`): a PMS that checks nothing at the
FIAS level (the quiet profile) is still found dead when its host or the network is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, tzinfo

from connector.clock import Clock, SystemClock
from connector.pms.fias.codec import Record
from connector.pms.fias.config import LinkConfig
from connector.pms.fias.link import FiasLink
from connector.pms.fias.link_events import LinkState
from connector.pms.fias.peers import PeerAllowList, resolve
from connector.pms.fias.session import AppEvent, LinkDriver

log = logging.getLogger("connector.pms.fias")

# TCP keep-alive on every FIAS socket: first probe after 60 s idle, then every 15 s, and 4
# unanswered probes drop the connection: a dead peer is found in about 60 + 4 * 15 = 120 s.
TCP_KEEPALIVE = {"TCP_KEEPIDLE": 60, "TCP_KEEPINTVL": 15, "TCP_KEEPCNT": 4}


def keep_alive(writer: asyncio.StreamWriter) -> None:
    """Turn TCP keep-alive on for the connection, with `TCP_KEEPALIVE`'s timings where the
    platform has them (Linux does; elsewhere the system's timings apply)."""
    sock = writer.get_extra_info("socket")
    if sock is None:
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in TCP_KEEPALIVE.items():
        if hasattr(socket, option):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


class _Endpoint:
    """What both roles share: the link, its driver, and the application's calls."""

    def __init__(self, *, config: LinkConfig, tz: tzinfo, clock: Clock | None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.tz = tz

        def local_time() -> datetime:
            return self.clock.now().astimezone(tz)

        self._driver = LinkDriver(FiasLink(config, local_time=local_time), self.clock)
        self._stopping = asyncio.Event()

    @property
    def state(self) -> LinkState:
        """The link's state (for /readyz and metrics)."""
        return self._driver.link.state

    @property
    def is_up(self) -> bool:
        """True while records can be sent."""
        return self._driver.link.is_up

    def events(self) -> AsyncIterator[AppEvent]:
        """The application events, in order (iterate from one task only)."""
        return self._driver.events()

    async def send(self, record: Record) -> None:
        """Send a record and wait for delivery; raises `LinkNotUp` or `SendFailed`."""
        await self._driver.send(record)

    async def wait_up(self) -> None:
        """Return once the link is up."""
        await self._driver.wait_up()

    def request_resync(self) -> None:
        """Ask the PMS for a full resync (DR) now; raises `LinkNotUp` when down."""
        self._driver.request_resync()

    async def close(self, grace: float = 2.0) -> None:
        """Send LE, drop the connection (waiting at most `grace` s for it to go) and make
        `run()` return."""
        self._stopping.set()
        self._driver.close_link()
        await self._driver.wait_idle(grace)
        self._driver.fail_pending()


class FiasClient(_Endpoint):
    """The connector dials the PMS interface and keeps the link up."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        config: LinkConfig,
        tz: tzinfo,
        clock: Clock | None = None,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        connect_timeout: float = 10.0,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
    ) -> None:
        super().__init__(config=config, tz=tz, clock=clock)
        self.host, self.port = host, port
        self._ssl = ssl_context
        self._server_hostname = server_hostname if ssl_context else None
        self._connect_timeout = connect_timeout
        self._backoff_initial, self._backoff_max = backoff_initial, backoff_max

    async def run(self) -> None:
        """Connect, run the link, reconnect with backoff; return after `close()`."""
        delay = self._backoff_initial
        while not self._stopping.is_set():
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(
                        self.host, self.port, ssl=self._ssl,
                        server_hostname=self._server_hostname),
                    self._connect_timeout)
            except (OSError, TimeoutError) as error:
                log.warning("FIAS connect failed", extra={
                    "host": self.host, "port": self.port, "error": str(error) or "timeout",
                    "retry_in": delay})
            else:
                if self._stopping.is_set():
                    writer.close()
                    break
                keep_alive(writer)
                if await self._driver.run_connection(reader, writer):
                    delay = self._backoff_initial
            if self._stopping.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            delay = min(delay * 2, self._backoff_max)


class FiasServer(_Endpoint):
    """The connector listens; the PMS dials out to it. One active connection; the newest
    wins."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        config: LinkConfig,
        tz: tzinfo,
        clock: Clock | None = None,
        ssl_context: ssl.SSLContext | None = None,
        allowed_peers: Sequence[str] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        """`allowed_peers`: hosts, addresses or CIDR blocks the PMS may connect from (hosts
        resolved at `start()`); None lets any address in. `on_refused(address)` is called for
        each connection refused by it."""
        super().__init__(config=config, tz=tz, clock=clock)
        self.host, self.port = host, port
        self._ssl = ssl_context
        self._allowed_entries = allowed_peers
        self.allowed: PeerAllowList | None = None
        self._on_refused = on_refused
        self._server: asyncio.Server | None = None
        self._one_at_a_time = asyncio.Lock()
        self._generation = 0

    async def start(self) -> None:
        """Resolve the allow-list, then start listening (`port` 0 picks a free port; read it
        back from `bound_port`)."""
        if self._allowed_entries is not None:
            self.allowed = await resolve(self._allowed_entries, _resolver)
            if self.allowed.unresolved:
                log.error("FIAS: allowed peers that resolve to no address are refused until "
                          "restart", extra={"unresolved": list(self.allowed.unresolved)})
            log.info("FIAS: only these addresses may open the link",
                     extra={"allowed_peers": self.allowed.describe()})
        self._server = await asyncio.start_server(
            self._accept, self.host, self.port, ssl=self._ssl)

    @property
    def bound_port(self) -> int:
        """The port actually listened on."""
        assert self._server is not None, "start() first"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def run(self) -> None:
        """Listen until `close()`."""
        if self._server is None:
            await self.start()
        await self._stopping.wait()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peername = writer.get_extra_info("peername")
        peer = str(peername)
        if self._stopping.is_set():
            writer.close()
            return
        address = str(peername[0]) if isinstance(peername, tuple) and peername else peer
        if self.allowed is not None and not self.allowed.allows(address):
            # Checked before the generation moves on: the PMS's link is not touched.
            writer.close()
            log.warning("FIAS: connection refused: the address is not in "
                        "CONNECTOR_FIAS__ALLOWED_PEERS", extra={"peer": peer})
            if self._on_refused is not None:
                self._on_refused(address)
            return
        keep_alive(writer)
        self._generation += 1
        mine = self._generation
        if self._one_at_a_time.locked():
            log.warning("FIAS: a new PMS connection replaces the active one",
                        extra={"peer": peer})
            self._driver.abort_connection()
        async with self._one_at_a_time:
            if mine != self._generation or self._stopping.is_set():
                writer.close()  # an even newer connection arrived while we waited
                return
            await self._driver.run_connection(reader, writer)


async def _resolver(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
