"""The user agent's shell: moves messages between the flow and the sans-I/O transactions,
runs their timers on the event loop, and hands requests that start something new (INVITE,
BYE, INFO, ...) to the transaction user."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from connector.sip import ids
from connector.sip.address import parse_name_addr, parse_via
from connector.sip.config import ProxyAddress, UaConfig
from connector.sip.dialog import next_hop
from connector.sip.errors import SipError
from connector.sip.flow import Address, Flow
from connector.sip.message import Request, Response, parse
from connector.sip.metrics import SipMetrics
from connector.sip.requests import cancel_for, preflight, response_to
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
from connector.sip.trust import RefusalLog, TrustedSources, line_of, starts_something

log = logging.getLogger("connector.sip.agent")
_SECRET_HEADER = re.compile(rb"^((?:Proxy-)?Authorization:).*$", re.IGNORECASE | re.MULTILINE)


def for_log(data: bytes) -> str:
    """A message for DEBUG dumps with its credentials masked."""
    return _SECRET_HEADER.sub(rb"\1 ***", data).decode("utf-8", "replace")


def timeout_response(request: Request, status: int = 408) -> Response:
    """What the TU sees when a transaction gets no answer (408) or cannot be sent (503)."""
    return response_to(request, status)


class ClientHandle:
    """The TU's side of one client transaction: responses arrive on a queue; a 408 is
    queued when it times out."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.responses: asyncio.Queue[Response] = asyncio.Queue()
        self.ack_for_2xx: bytes | None = None  # re-sent for every retransmitted 2xx
        self.destination: Address | None = None

    async def final(self) -> Response:
        """The final response (provisionals skipped)."""
        while True:
            response = await self.responses.get()
            if response.status >= 200:
                return response


class ServerHandle:
    """The TU's side of one server transaction: respond to it; for an INVITE, learn whether
    our 2xx was ACKed and whether the caller cancelled."""

    def __init__(self, agent: UserAgent, key: tuple[str, str], request: Request,
                 source: Address) -> None:
        self._agent = agent
        self._key = key
        self.request = request
        self.source = source
        self.acked: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.cancelled = asyncio.Event()

    def respond(self, response: Response) -> None:
        self._agent.respond(self._key, response)


@dataclass
class _ClientEntry:
    transaction: ClientTransaction
    handle: ClientHandle
    destination: Address | None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


@dataclass
class _ServerEntry:
    key: tuple[str, str]
    transaction: ServerTransaction
    handle: ServerHandle
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


RequestSink = Callable[[ServerHandle], None]
StateSink = Callable[[bool], None]


class UserAgent:
    """One flow to one proxy (pair) and the transactions on it."""

    def __init__(self, config: UaConfig, proxies: tuple[ProxyAddress, ...],
                 metrics: SipMetrics) -> None:
        self.config = config
        self.metrics = metrics
        self.flow = Flow(config, proxies, self._received, self._flow_state, metrics)
        self._clients: dict[tuple[str, str], _ClientEntry] = {}
        self._servers: dict[tuple[str, str], _ServerEntry] = {}
        self._accepted: dict[tuple[str, int], _ServerEntry] = {}
        self._on_request: RequestSink = self._refuse
        self._state_sinks: list[StateSink] = []
        self.proxies = proxies
        self.trusted = TrustedSources()  # filled by the lines as they resolve their hosts
        self._refusals = RefusalLog()

    def serve(self, sink: RequestSink) -> None:
        """Who handles requests that start something (new or in-dialog)."""
        self._on_request = sink

    def watch_flow(self, sink: StateSink) -> None:
        """Hear the flow go up and down (lines re-register when it comes back)."""
        self._state_sinks.append(sink)

    async def start(self) -> None:
        await self.flow.start()

    async def close(self) -> None:
        """Stop every transaction (whoever waits on one hears 503) and close the flow."""
        for client in list(self._clients.values()):
            _cancel_timers(client.timers)
            client.handle.responses.put_nowait(timeout_response(client.transaction.request, 503))
        self._clients.clear()
        for server in list(self._servers.values()):
            _cancel_timers(server.timers)
        self._servers.clear()
        self._accepted.clear()
        await self.flow.close()

    def via(self) -> str:
        host, port = self.flow.local_address
        return f"SIP/2.0/{self.flow.transport_name} {host}:{port};branch={ids.new_branch()};rport"

    # --- client side -------------------------------------------------------------------

    def start_request(self, request: Request) -> ClientHandle:
        """Start a client transaction (a Via with a fresh branch is added when absent)."""
        if not request.header_values("Via"):
            request.headers.insert(0, ("Via", self.via()))
        handle = ClientHandle(request)
        destination = self._destination(request)
        handle.destination = destination
        transaction: ClientTransaction
        if request.method == "INVITE":
            transaction = ClientInvite(request, reliable=self.flow.reliable)
        else:
            transaction = ClientNonInvite(request, reliable=self.flow.reliable)
        if not self.flow.up:
            handle.responses.put_nowait(timeout_response(request, 503))
            return handle
        entry = _ClientEntry(transaction, handle, destination)
        key = (parse_via(request.header_values("Via")[0]).branch, request.method)
        self._clients[key] = entry
        self._run_client(key, entry, transaction.start())
        return handle

    async def request(self, request: Request) -> Response:
        """Send a non-INVITE request; its final response (408 on timeout, 503 when the
        flow is down)."""
        return await self.start_request(request).final()

    def cancel(self, invite: ClientHandle) -> ClientHandle:
        """CANCEL an INVITE: same branch, same destination as the INVITE (§9.1)."""
        cancel = cancel_for(invite.request)
        handle = ClientHandle(cancel)
        entry = _ClientEntry(ClientNonInvite(cancel, reliable=self.flow.reliable), handle,
                             invite.destination)
        key = (parse_via(cancel.header_values("Via")[0]).branch, "CANCEL")
        self._clients[key] = entry
        self._run_client(key, entry, entry.transaction.start())
        return handle

    def send_ack(self, ack: Request) -> bytes:
        """Send the ACK of a 2xx (its own transaction-less branch); returns its bytes so
        the caller can re-send it for retransmitted 2xx."""
        if not ack.header_values("Via"):
            ack.headers.insert(0, ("Via", self.via()))
        data = ack.to_bytes()
        self._send(data, self._destination(ack), "ACK")
        return data

    def _destination(self, request: Request) -> Address | None:
        # Initial requests go to the outbound proxy; in-dialog ones follow their route set.
        if not request.header_values("Route") and "tag=" not in (request.header("To") or ""):
            return None
        hop = next_hop(request)
        if not _is_ip(hop.host):
            # Resolving it would block the loop (UDP sendto looks names up itself); the
            # outbound proxy routes by the Route/Request-URI we send anyway (RFC 5626).
            return None
        default = 5061 if hop.scheme == "sips" else 5060
        return hop.host.strip("[]"), hop.port or default

    def _run_client(self, key: tuple[str, str], entry: _ClientEntry,
                    actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self._send(action.data, entry.destination, key[1], action.retransmission)
            elif isinstance(action, StartTimer):
                entry.timers.append(asyncio.get_running_loop().call_later(
                    action.delay, self._client_timer, key, entry, action.name))
            elif isinstance(action, ToUser):
                if (200 <= action.response.status < 300 and entry.handle.ack_for_2xx
                        and key[1] == "INVITE"):
                    self._send(entry.handle.ack_for_2xx, self._destination(entry.handle.request),
                               "ACK", retransmission=True)
                entry.handle.responses.put_nowait(action.response)
            elif isinstance(action, TimedOut):
                entry.handle.responses.put_nowait(timeout_response(entry.transaction.request))
            elif isinstance(action, Terminated):
                _cancel_timers(entry.timers)
                if self._clients.get(key) is entry:
                    del self._clients[key]

    def _client_timer(self, key: tuple[str, str], entry: _ClientEntry, name: str) -> None:
        self._run_client(key, entry, entry.transaction.on_timer(name))

    # --- server side -------------------------------------------------------------------

    def respond(self, key: tuple[str, str], response: Response) -> None:
        entry = self._servers.get(key)
        if entry is None:
            return
        if isinstance(entry.transaction, ServerInvite) and 200 <= response.status < 300:
            self._accepted[(response.call_id, response.cseq[0])] = entry
        self._run_server(entry, entry.transaction.respond(response))

    def _run_server(self, entry: _ServerEntry, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self._send(action.data, entry.handle.source, "response", action.retransmission)
            elif isinstance(action, StartTimer):
                entry.timers.append(asyncio.get_running_loop().call_later(
                    action.delay, self._server_timer, entry, action.name))
            elif isinstance(action, AckReceived | TimedOut):
                if not entry.handle.acked.done():
                    entry.handle.acked.set_result(isinstance(action, AckReceived))
            elif isinstance(action, Terminated):
                _cancel_timers(entry.timers)
                if self._servers.get(entry.key) is entry:
                    del self._servers[entry.key]
                request = entry.transaction.request
                self._accepted.pop((request.call_id, request.cseq[0]), None)

    def _server_timer(self, entry: _ServerEntry, name: str) -> None:
        self._run_server(entry, entry.transaction.on_timer(name))

    # --- receiving ---------------------------------------------------------------------

    def _received(self, data: bytes, source: Address) -> None:
        """Every packet from the flow. Malformed ones are counted and dropped; nothing
        a peer sends may escape from here."""
        try:
            message = parse(data)
            if log.isEnabledFor(logging.DEBUG):
                log.debug("SIP in from %s:%s\n%s", source[0], source[1], for_log(data))
            if isinstance(message, Response):
                self.metrics.messages_in.labels("response").inc()
                self._received_response(message)
            else:
                self.metrics.messages_in.labels(message.method).inc()
                self._received_request(message, source)
        except (SipError, ValueError, IndexError, UnicodeError):
            self.metrics.malformed.inc()
            log.debug("malformed SIP packet dropped", extra={"source": source[0]})
        except Exception:
            # A bug, not the peer's fault; it must still not reach the event loop (it would
            # close the socket every line shares).
            self.metrics.malformed.inc()
            log.exception("SIP packet could not be handled", extra={"source": source[0]})

    def _received_response(self, response: Response) -> None:
        via = parse_via(response.header_values("Via")[0])
        key = (via.branch, response.cseq[1])
        entry = self._clients.get(key)
        if entry is not None:
            self._run_client(key, entry, entry.transaction.on_response(response))

    def _received_request(self, request: Request, source: Address) -> None:
        via = parse_via(request.header_values("Via")[0])
        method = "INVITE" if request.method == "ACK" else request.method
        key = (via.branch, method)
        existing = self._servers.get(key)
        if existing is not None:
            self._run_server(existing, existing.transaction.on_request(request))
            return
        if request.method == "ACK":
            accepted = self._accepted.get((request.call_id, request.cseq[0]))
            if accepted is not None:
                self._run_server(accepted, accepted.transaction.on_request(request))
            return
        if (not self.flow.reliable and starts_something(request)
                and not self.trusted.allows(line_of(request), source[0])):
            self._refuse_source(request, source)
            return
        refusal = preflight(request)
        transaction: ServerTransaction = (
            ServerInvite(request, reliable=self.flow.reliable) if request.method == "INVITE"
            else ServerNonInvite(request, reliable=self.flow.reliable))
        entry = _ServerEntry(key, transaction, ServerHandle(self, key, request, source))
        self._servers[key] = entry
        if refusal is not None:
            self.respond(key, refusal)
        elif request.method == "CANCEL":
            self._cancelled(key, request)
        else:
            self._hand_over(entry)

    def _refuse_source(self, request: Request, source: Address) -> None:
        """403 from no transaction (nothing is kept for a stranger, nothing re-sent); the
        log names the source address only: names and numbers in the request are forged."""
        self.metrics.refused.labels("untrusted_source").inc()
        if self._refusals.should_log(source[0], asyncio.get_running_loop().time()):
            log.warning("SIP request from an address that is not Zoom's proxy refused (403)",
                        extra={"source": source[0], "port": source[1],
                               "method": request.method,
                               "refused_since_last_logged": self._refusals.take_suppressed(
                                   source[0])})
        self._send(response_to(request, 403, to_tag=ids.new_tag()).to_bytes(), source,
                   "response")

    def _hand_over(self, entry: _ServerEntry) -> None:
        # A failing TU must not leave the transaction unanswered (it would never end).
        try:
            self._on_request(entry.handle)
        except Exception:
            log.exception("SIP request handler failed", extra={
                "method": entry.transaction.request.method})
            self.respond(entry.key, response_to(entry.transaction.request, 500))

    def _cancelled(self, key: tuple[str, str], cancel: Request) -> None:
        invite = self._servers.get((key[0], "INVITE"))
        if invite is None:
            self.respond(key, response_to(cancel, 481))
            return
        self.respond(key, response_to(cancel, 200))
        if isinstance(invite.transaction, ServerInvite) and (
                invite.transaction.state is State.PROCEEDING):
            to_tag = parse_name_addr(invite.handle.request.header("To") or "").tag
            self.respond((key[0], "INVITE"),
                         response_to(invite.handle.request, 487, to_tag=to_tag or ids.new_tag()))
            invite.handle.cancelled.set()

    async def resolve_trusted(self, hosts: tuple[str, ...]) -> frozenset[str]:
        """The addresses `hosts` resolve to now (those that do not resolve are left out)."""
        loop = asyncio.get_running_loop()
        found: set[str] = set()
        for host in hosts:
            try:
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
            except OSError as error:
                log.warning("SIP host not resolvable", extra={"host": host, "error": str(error)})
                continue
            found.update(str(info[4][0]) for info in infos)
        return frozenset(found)

    def _refuse(self, handle: ServerHandle) -> None:
        handle.respond(response_to(handle.request, 503))

    # --- sending -----------------------------------------------------------------------

    def _send(self, data: bytes, destination: Address | None, kind: str,
              retransmission: bool = False) -> None:
        if not self.flow.send(data, destination):
            log.debug("SIP flow down; message not sent", extra={"kind": kind})
            return
        self.metrics.messages_out.labels(kind).inc()
        if retransmission:
            self.metrics.retransmissions.inc()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("SIP out\n%s", for_log(data))

    def _flow_state(self, up: bool) -> None:
        for sink in self._state_sinks:
            sink(up)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _cancel_timers(timers: list[asyncio.TimerHandle]) -> None:
    for timer in timers:
        timer.cancel()
    timers.clear()

