"""The connection to the outbound proxy (RFC 5626 style): one UDP socket, or one TCP/TLS
connection used both ways, kept alive with CRLF pings, re-opened when it drops, moved to
the secondary proxy when the primary fails. Moves bytes only; SIP lives in the agent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Callable

from connector.settings.phone import SipTransport
from connector.sip.config import ProxyAddress, UaConfig
from connector.sip.errors import ParseError, TransportError
from connector.sip.framing import StreamFramer
from connector.sip.metrics import SipMetrics

log = logging.getLogger("connector.sip.flow")

Address = tuple[str, int]
MessageSink = Callable[[bytes, Address], None]
StateSink = Callable[[bool], None]
PING = b"\r\n\r\n"
PONG = b"\r\n"
CONNECT_TIMEOUT = 10.0
RECONNECT_CAP_SECONDS = 30.0


def tls_context(config: UaConfig) -> ssl.SSLContext:
    """Certificate and host name checked against `tls_ca_file` (else the system's CAs)
    unless verification is turned off."""
    context = ssl.create_default_context(
        cafile=str(config.tls_ca_file) if config.tls_ca_file else None)
    if not config.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class Flow:
    """Bytes to and from the proxy. `on_message` gets each SIP message with its source;
    `on_state` hears the flow go up (True) and down (False)."""

    def __init__(self, config: UaConfig, proxies: tuple[ProxyAddress, ...],
                 on_message: MessageSink, on_state: StateSink, metrics: SipMetrics) -> None:
        if not proxies:
            raise TransportError("no SIP proxy configured")
        self._config = config
        self._proxies = proxies
        self._proxy_index = 0
        self._on_message = on_message
        self._on_state = on_state
        self._metrics = metrics
        self._udp: asyncio.DatagramTransport | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._local: Address = ("127.0.0.1", 0)
        self._proxy_address: Address | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self._up = asyncio.Event()
        self._drop = asyncio.Event()

    @property
    def reliable(self) -> bool:
        return self._config.transport is not SipTransport.UDP

    @property
    def transport_name(self) -> str:
        return self._config.transport.value.upper()

    @property
    def up(self) -> bool:
        return self._up.is_set()

    @property
    def local_address(self) -> Address:
        """The address to put in Via and Contact (before any NAT learning)."""
        host = self._config.advertised_host or self._local[0]
        return host, self._local[1]

    @property
    def proxy(self) -> ProxyAddress:
        return self._proxies[self._proxy_index]

    async def start(self) -> None:
        """Open the socket (UDP) or start connecting (TCP/TLS, in the background)."""
        if self.reliable:
            self._tasks.append(asyncio.create_task(self._keep_connected()))
        else:
            await self._open_udp()
        self._tasks.append(asyncio.create_task(self._keepalive()))

    def send(self, data: bytes, destination: Address | None) -> bool:
        """Send one message; `destination` matters on UDP only (None: the proxy).
        False when the flow is down."""
        if self._udp is not None:
            target = destination or self._proxy_address
            if target is None:
                return False
            self._udp.sendto(data, target)
            return True
        if self._writer is None or self._writer.is_closing():
            return False
        self._writer.write(data)
        return True

    def fail_over(self) -> None:
        """The proxy stopped answering: move to the next one (and reconnect on streams)."""
        if len(self._proxies) > 1:
            self._proxy_index = (self._proxy_index + 1) % len(self._proxies)
            log.warning("SIP proxy failover", extra={"proxy": str(self.proxy)})
            if self._udp is not None:
                self._tasks.append(asyncio.create_task(self._resolve_udp_proxy()))
        if self._writer is not None:
            self._writer.close()

    def drop(self) -> None:
        """Close the stream connection; it is re-opened at once (used by tests, and after
        framing errors)."""
        if self._writer is not None:
            self._writer.close()

    async def close(self) -> None:
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._udp is not None:
            self._udp.close()
        if self._writer is not None:
            self._writer.close()
        self._up.clear()

    async def _resolve(self, proxy: ProxyAddress) -> Address:
        infos = await asyncio.get_running_loop().getaddrinfo(
            proxy.host, proxy.port, family=socket.AF_INET, type=socket.SOCK_DGRAM)
        if not infos:
            raise TransportError(f"cannot resolve SIP proxy {proxy}")
        host, port = infos[0][4][:2]
        return str(host), int(port)

    async def _resolve_udp_proxy(self) -> None:
        try:
            self._proxy_address = await self._resolve(self.proxy)
        except (OSError, TransportError) as error:
            log.warning("SIP proxy not resolvable",
                        extra={"proxy": str(self.proxy), "error": str(error)})

    async def _open_udp(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self._proxy_address = await self._resolve(self.proxy)
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self._on_message),
                local_addr=(self._config.bind_host, self._config.bind_port))
        except OSError as error:
            raise TransportError(f"cannot open SIP UDP socket: {error}") from error
        self._udp = transport
        host, port = transport.get_extra_info("sockname")[:2]
        self._local = (_routable(host, self._proxy_address), port)
        self._up.set()
        self._on_state(True)

    async def _keep_connected(self) -> None:
        failures = 0
        while not self._closed:
            try:
                await self._connect()
            except (OSError, TimeoutError, ssl.SSLError) as error:
                failures += 1
                log.warning("SIP connection failed", extra={
                    "proxy": str(self.proxy), "error": str(error), "failures": failures})
                if len(self._proxies) > 1:
                    self._proxy_index = (self._proxy_index + 1) % len(self._proxies)
                await asyncio.sleep(min(RECONNECT_CAP_SECONDS, 0.5 * 2 ** min(failures, 6)))
                continue
            failures = 0
            await self._read_until_closed()
            if not self._closed:
                self._metrics.reconnects.inc()
                log.warning("SIP connection lost; reconnecting", extra={"proxy": str(self.proxy)})

    async def _connect(self) -> None:
        proxy = self.proxy
        tls = self._config.transport is SipTransport.TLS
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            proxy.host, proxy.port,
            ssl=tls_context(self._config) if tls else None,
            server_hostname=proxy.host if tls else None,
            local_addr=(self._config.bind_host, self._config.bind_port)
            if self._config.bind_port else None,
        ), CONNECT_TIMEOUT)
        self._reader = reader
        self._writer = writer
        host, port = writer.get_extra_info("sockname")[:2]
        self._local = (str(host), int(port))
        self._up.set()
        log.info("SIP connection up", extra={"proxy": str(proxy),
                                             "transport": self.transport_name})
        self._on_state(True)

    async def _read_until_closed(self) -> None:
        framer = StreamFramer()
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        peer = writer.get_extra_info("peername")
        source: Address = (str(peer[0]), int(peer[1])) if peer else ("", 0)
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                pings = framer.pings
                for message in framer.feed(data):
                    self._on_message(message, source)
                if framer.pings > pings:
                    writer.write(PONG)
        except ParseError:
            self._metrics.malformed.inc()
            log.warning("unframeable bytes on the SIP connection; reconnecting")
        except (OSError, ssl.SSLError) as error:
            log.warning("SIP connection error", extra={"error": str(error)})
        finally:
            self._up.clear()
            writer.close()
            self._reader = self._writer = None
            self._on_state(False)

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(self._config.keepalive_seconds)
            self.send(PING, None)


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, sink: MessageSink) -> None:
        self._sink = sink

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if data.strip(b"\r\n"):
            self._sink(data, (str(addr[0]), int(str(addr[1]))))


def _routable(bound_host: str, proxy: Address | None) -> str:
    """The local address the proxy sees us from, when bound to every interface."""
    if bound_host not in ("0.0.0.0", "::") or proxy is None:  # noqa: S104 - a comparison
        return bound_host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(proxy)
        return str(probe.getsockname()[0])
