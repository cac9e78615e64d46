"""The SIP side's socket and transaction layer: one UDP socket on loopback, the connector's
sans-I/O transactions (`connector.sip.transaction`) run on the event loop's timers.

Requests that start something go to the core (`on_request`); retransmissions, ACKs and
CANCELs are absorbed here, as RFC 3261 §17 puts them below the core."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from connector.sip import ids
from connector.sip.address import parse_name_addr, parse_via
from connector.sip.errors import SipError
from connector.sip.message import Request, Response, parse
from connector.sip.requests import response_to
from connector.sip.transaction import (
    AckReceived,
    Action,
    ClientInvite,
    ClientNonInvite,
    ClientTransaction,
    Send,
    ServerInvite,
    ServerNonInvite,
    ServerTransaction,
    StartTimer,
    State,
    Terminated,
    TimedOut,
    ToUser,
)

log = logging.getLogger("connector.sandbox.sip")
Address = tuple[str, int]
Key = tuple[str, str]  # (branch, method)


class ServerTx:
    """The core's side of one server transaction."""

    def __init__(self, layer: Transactions, key: Key, request: Request, source: Address) -> None:
        self._layer = layer
        self._key = key
        self.request = request
        self.source = source
        self.acked: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.cancelled = asyncio.Event()

    def respond(self, response: Response) -> None:
        self._layer.respond(self._key, response)


class ClientTx:
    """The core's side of one client transaction: responses arrive on a queue (a 408 when
    it times out)."""

    def __init__(self, request: Request, destination: Address) -> None:
        self.request = request
        self.destination = destination
        self.responses: asyncio.Queue[Response] = asyncio.Queue()
        self.ack_for_2xx: bytes | None = None  # re-sent for every retransmitted 2xx

    async def final(self) -> Response:
        """The final response (provisionals skipped)."""
        while True:
            response = await self.responses.get()
            if response.status >= 200:
                return response


@dataclass
class _Client:
    transaction: ClientTransaction
    handle: ClientTx
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


@dataclass
class _Server:
    transaction: ServerTransaction
    handle: ServerTx
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, sink: Callable[[bytes, Address], None]) -> None:
        self._sink = sink

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if data.strip(b"\r\n"):  # a bare CRLF is a keep-alive ping
            self._sink(data, (str(addr[0]), int(str(addr[1]))))


class Transactions:
    """One UDP socket and the transactions on it."""

    def __init__(self, on_request: Callable[[ServerTx], None]) -> None:
        self._on_request = on_request
        self._udp: asyncio.DatagramTransport | None = None
        self.address: Address = ("127.0.0.1", 0)
        self._clients: dict[Key, _Client] = {}
        self._servers: dict[Key, _Server] = {}
        self._accepted: dict[tuple[str, int], _Server] = {}

    async def open(self, host: str, port: int) -> Address:
        """Bind the socket; the address it got (port 0: any free one)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Datagrams(self._received), local_addr=(host, port))
        self._udp = transport
        bound = transport.get_extra_info("sockname")
        self.address = (str(bound[0]), int(bound[1]))
        return self.address

    def close(self) -> None:
        """Drop every transaction and close the socket."""
        for client in self._clients.values():
            _cancel(client.timers)
        for server in self._servers.values():
            _cancel(server.timers)
        self._clients.clear()
        self._servers.clear()
        self._accepted.clear()
        if self._udp is not None:
            self._udp.close()
            self._udp = None

    def via(self) -> str:
        """A Via for a request we send, with a new branch."""
        host, port = self.address
        return f"SIP/2.0/UDP {host}:{port};branch={ids.new_branch()};rport"

    # --- client side -------------------------------------------------------------------

    def send_request(self, request: Request, destination: Address) -> ClientTx:
        """Start a client transaction; a Via with a new branch is added unless the request
        has one (a CANCEL keeps its INVITE's)."""
        if not request.header_values("Via"):
            request.headers.insert(0, ("Via", self.via()))
        handle = ClientTx(request, destination)
        transaction: ClientTransaction = (
            ClientInvite(request, reliable=False) if request.method == "INVITE"
            else ClientNonInvite(request, reliable=False))
        entry = _Client(transaction, handle)
        key = (parse_via(request.header_values("Via")[0]).branch, request.method)
        self._clients[key] = entry
        self._run_client(key, entry, transaction.start())
        return handle

    def send_ack(self, ack: Request, destination: Address) -> bytes:
        """Send the ACK of a 2xx (no transaction of its own); its bytes, to re-send."""
        ack.headers.insert(0, ("Via", self.via()))
        data = ack.to_bytes()
        self._send(data, destination)
        return data

    def _run_client(self, key: Key, entry: _Client, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self._send(action.data, entry.handle.destination)
            elif isinstance(action, StartTimer):
                entry.timers.append(asyncio.get_running_loop().call_later(
                    action.delay, self._client_timer, key, entry, action.name))
            elif isinstance(action, ToUser):
                if 200 <= action.response.status < 300 and entry.handle.ack_for_2xx:
                    self._send(entry.handle.ack_for_2xx, entry.handle.destination)
                entry.handle.responses.put_nowait(action.response)
            elif isinstance(action, TimedOut):
                entry.handle.responses.put_nowait(response_to(entry.transaction.request, 408))
            elif isinstance(action, Terminated):
                _cancel(entry.timers)
                if self._clients.get(key) is entry:
                    del self._clients[key]

    def _client_timer(self, key: Key, entry: _Client, name: str) -> None:
        self._run_client(key, entry, entry.transaction.on_timer(name))

    # --- server side -------------------------------------------------------------------

    def respond(self, key: Key, response: Response) -> None:
        """Send a response in the server transaction `key` (ignored once it is over)."""
        entry = self._servers.get(key)
        if entry is None:
            return
        if isinstance(entry.transaction, ServerInvite) and 200 <= response.status < 300:
            self._accepted[(response.call_id, response.cseq[0])] = entry
        self._run_server(key, entry, entry.transaction.respond(response))

    def _run_server(self, key: Key, entry: _Server, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self._send(action.data, entry.handle.source)
            elif isinstance(action, StartTimer):
                entry.timers.append(asyncio.get_running_loop().call_later(
                    action.delay, self._server_timer, key, entry, action.name))
            elif isinstance(action, AckReceived | TimedOut):
                if not entry.handle.acked.done():
                    entry.handle.acked.set_result(isinstance(action, AckReceived))
            elif isinstance(action, Terminated):
                _cancel(entry.timers)
                if self._servers.get(key) is entry:
                    del self._servers[key]
                request = entry.transaction.request
                self._accepted.pop((request.call_id, request.cseq[0]), None)

    def _server_timer(self, key: Key, entry: _Server, name: str) -> None:
        self._run_server(key, entry, entry.transaction.on_timer(name))

    # --- receiving ---------------------------------------------------------------------

    def _received(self, data: bytes, source: Address) -> None:
        """Every datagram; a malformed one is dropped (nothing a peer sends escapes)."""
        try:
            message = parse(data)
            if isinstance(message, Response):
                self._received_response(message)
            else:
                self._received_request(message, source)
        except (SipError, ValueError, IndexError, UnicodeError) as error:
            log.debug("malformed SIP packet dropped: %s", error)

    def _received_response(self, response: Response) -> None:
        via = parse_via(response.header_values("Via")[0])
        key = (via.branch, response.cseq[1])
        entry = self._clients.get(key)
        if entry is not None:
            self._run_client(key, entry, entry.transaction.on_response(response))

    def _received_request(self, request: Request, source: Address) -> None:
        _note_source(request, source)
        via = parse_via(request.header_values("Via")[0])
        key = (via.branch, "INVITE" if request.method == "ACK" else request.method)
        existing = self._servers.get(key)
        if existing is not None:
            self._run_server(key, existing, existing.transaction.on_request(request))
            return
        if request.method == "ACK":
            accepted = self._accepted.get((request.call_id, request.cseq[0]))
            if accepted is not None:
                self._run_server(key, accepted, accepted.transaction.on_request(request))
            return
        transaction: ServerTransaction = (
            ServerInvite(request, reliable=False) if request.method == "INVITE"
            else ServerNonInvite(request, reliable=False))
        entry = _Server(transaction, ServerTx(self, key, request, source))
        self._servers[key] = entry
        if request.method == "CANCEL":
            self._cancelled(key, request)
        else:
            self._on_request(entry.handle)

    def _cancelled(self, key: Key, cancel: Request) -> None:
        """§9.2: 200 for the CANCEL; 487 for the INVITE if it was still ringing."""
        invite = self._servers.get((key[0], "INVITE"))
        if invite is None:
            self.respond(key, response_to(cancel, 481))
            return
        self.respond(key, response_to(cancel, 200))
        if isinstance(invite.transaction, ServerInvite) and (
                invite.transaction.state is State.PROCEEDING):
            to_tag = parse_name_addr(invite.handle.request.header("To") or "").tag
            self.respond((key[0], "INVITE"), response_to(
                invite.handle.request, 487, to_tag=to_tag or ids.new_tag()))
            invite.handle.cancelled.set()

    def _send(self, data: bytes, destination: Address) -> None:
        if self._udp is None:
            return
        with contextlib.suppress(OSError):
            self._udp.sendto(data, destination)


def _note_source(request: Request, source: Address) -> None:
    """RFC 3581: stamp the top Via with `received` and `rport` where the client asked for
    rport, so our responses tell it the address we saw (no NAT on loopback: the same)."""
    vias = request.header_values("Via")
    top = parse_via(vias[0])
    if "rport" not in top.params:
        return
    stamped = type(top)(top.transport, top.host, top.port,
                        {**top.params, "received": source[0], "rport": str(source[1])})
    request.remove("Via")
    for index, value in enumerate([str(stamped), *vias[1:]]):
        request.headers.insert(index, ("Via", value))


def _cancel(timers: list[asyncio.TimerHandle]) -> None:
    for timer in timers:
        timer.cancel()
    timers.clear()
