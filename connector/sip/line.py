"""One SIP line: keeps its registration alive (refresh before expiry, back off on failure,
re-register at once when the connection comes back) and knows its Contact."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable

from connector.clock import Clock
from connector.settings.phone import SipAccount, SipTransport
from connector.sip import ids
from connector.sip.address import parse_via
from connector.sip.agent import UserAgent
from connector.sip.errors import SipError
from connector.sip.message import Request, Response
from connector.sip.metrics import SipMetrics
from connector.sip.registration import (
    RegisterTarget,
    backoff_delay,
    granted_expires,
    min_expires,
    refresh_delay,
    register_request,
)
from connector.sip.requests import with_credentials

log = logging.getLogger("connector.sip.line")
MAX_AUTH_ROUNDS = 2


class Line:
    def __init__(self, account: SipAccount, agent: UserAgent, *, expires: int,
                 metrics: SipMetrics, clock: Clock, on_change: Callable[[], None]) -> None:
        self.account = account
        self.agent = agent
        self._expires = expires
        self._metrics = metrics
        self._clock = clock
        self._on_change = on_change
        self._call_id = ids.new_call_id(account.domain)
        self._from_tag = ids.new_tag()
        self._cseq = 0
        self._public: tuple[str, int] | None = None  # learned from Via received/rport
        self._wake = asyncio.Event()
        self._bound_contact: str | None = None
        self.registered = False
        agent.watch_flow(self._flow_changed)

    @property
    def user(self) -> str:
        return self.account.user

    @property
    def auth_user(self) -> str:
        return self.account.auth_user or self.account.user

    @property
    def domain(self) -> str:
        return self.account.domain

    @property
    def contact_uri(self) -> str:
        host, port = self._public or self.agent.flow.local_address
        transport = self.agent.config.transport
        suffix = "" if transport is SipTransport.UDP else f";transport={transport.value}"
        return f"sip:{self.user}@{host}:{port}{suffix}"

    def credentials(self, request: Request, challenge: Response) -> Request:
        """`request` again with digest credentials for `challenge` (401 or 407)."""
        return with_credentials(request, challenge, username=self.auth_user,
                                password=self.account.password.get_secret_value(),
                                cnonce=ids.new_cnonce())

    async def run(self, start_delay: float) -> None:
        """Register after `start_delay`, then keep the registration alive until cancelled."""
        await self._clock.sleep(start_delay)
        failures = 0
        while True:
            self._wake.clear()
            if not self.agent.flow.up:
                await self._wait(None)
                continue
            granted = await self.register(self._expires)
            if granted is not None:
                failures = 0
                delay = refresh_delay(granted)
            else:
                failures += 1
                delay = backoff_delay(failures, secrets.randbelow(1000) / 1000)
            await self._wait(delay)

    async def register(self, expires: int) -> int | None:
        """One REGISTER exchange (with auth and 423 handling); the granted expiry or None."""
        await self._refresh_trusted()
        contact = self.contact_uri
        response = await self._exchange(contact, expires)
        if response.status == 423:
            expires = max(expires, min_expires(response) or expires)
            response = await self._exchange(contact, expires)
        ok = 200 <= response.status < 300
        self._metrics.registrations.labels("ok" if ok else str(response.status)).inc()
        if response.status == 408:
            self.agent.flow.fail_over()
        log.info("SIP registration", extra={
            "line": self.user, "status": response.status, "expires": expires})
        if not ok or expires == 0:
            self._set_registered(False)
            return None
        self._set_registered(True)
        self._bound_contact = contact
        granted = granted_expires(response, contact, expires)
        if self._learn_public_address(response):
            # Behind NAT: bind the address the proxy sees at once.
            return await self.register(expires)
        return granted

    async def _refresh_trusted(self) -> None:
        """Look up the proxies and the registrar again (Zoom's addresses can move), so only
        they may call this line over UDP (connector/sip/trust.py)."""
        hosts = (*(proxy.host for proxy in self.agent.proxies), self.domain)
        self.agent.trusted.set_line(self.user, await self.agent.resolve_trusted(hosts))

    async def unregister(self) -> None:
        """Remove our binding (Expires: 0), if the flow is up."""
        if self.registered and self.agent.flow.up and self._bound_contact:
            with contextlib.suppress(SipError):
                await asyncio.wait_for(self._exchange(self._bound_contact, 0), 5)
        self._set_registered(False)

    async def _exchange(self, contact: str, expires: int) -> Response:
        target = RegisterTarget(user=self.user, domain=self.domain, contact_uri=contact,
                                call_id=self._call_id, from_tag=self._from_tag,
                                user_agent=self.agent.config.user_agent)
        self._cseq += 1
        request = register_request(target, cseq=self._cseq, expires=expires)
        response = await self.agent.request(request)
        for _ in range(MAX_AUTH_ROUNDS):
            if response.status not in (401, 407):
                break
            try:
                request = self.credentials(request, response)
            except SipError as error:
                log.warning("SIP challenge not answerable",
                            extra={"line": self.user, "error": str(error)})
                break
            self._cseq = request.cseq[0]
            response = await self.agent.request(request)
        return response

    def _learn_public_address(self, response: Response) -> bool:
        via = parse_via(response.header_values("Via")[0])
        local_host, local_port = self.agent.flow.local_address
        public = (via.received or local_host, via.rport or local_port)
        current = self._public or (local_host, local_port)
        if public == current or self.agent.config.advertised_host:
            return False
        self._public = public
        log.info("SIP public address learned", extra={"line": self.user, "host": public[0],
                                                      "port": public[1]})
        return True

    def _set_registered(self, registered: bool) -> None:
        if registered and not self.registered:
            self._metrics.lines_registered.inc()
        elif self.registered and not registered:
            self._metrics.lines_registered.dec()
        self.registered = registered
        self._on_change()

    def _flow_changed(self, up: bool) -> None:
        if not up and self.agent.flow.reliable:
            self._set_registered(False)
            self._public = None
        if up:
            self._wake.set()

    async def _wait(self, delay: float | None) -> None:
        """Sleep `delay` seconds (None: forever), cut short when the flow came back up
        since the loop last looked."""
        waiters: list[asyncio.Task[object]] = [asyncio.create_task(self._wake.wait())]
        if delay is not None:
            waiters.append(asyncio.create_task(self._clock.sleep(delay)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
