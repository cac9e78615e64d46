"""Zoom's SIP proxy as the connector's lines meet it: REGISTER goes to the registrar; an
INVITE from a line is challenged (407, as Zoom does), then rings the room phone of the
extension dialled; in-dialog requests reach the call they belong to.

The SIP side acts as the user agent of every room phone itself, so it sends no
Record-Route: the connector's in-dialog requests come straight to the phone's Contact."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from connector.sandbox.sip.digest_check import Credential, challenge, check
from connector.sandbox.sip.environment import Environment
from connector.sandbox.sip.room_phone import ring
from connector.sandbox.sip.state import PhoneSystem
from connector.sandbox.sip.transactions import ServerTx
from connector.sip import ids
from connector.sip.address import parse_name_addr, parse_uri
from connector.sip.errors import ParseError
from connector.sip.requests import ALLOW, response_to

T = TypeVar("T")


class Switchboard:
    """The SIP side's core: what each new request does."""

    def __init__(self, env: Environment, system: PhoneSystem, *,
                 credentials: Callable[[], Mapping[str, Credential]],
                 has_phone: Callable[[str], bool]) -> None:
        """`credentials` reads the lines from the account when needed (a sandbox reset may
        have rebuilt it); `has_phone` says whether an extension has a phone to ring."""
        self._env = env
        self._system = system
        self._credentials = credentials
        self._has_phone = has_phone
        self._tasks: set[asyncio.Task[Any]] = set()

    def request(self, tx: ServerTx) -> None:
        """Every request that starts something (the transaction layer's core callback)."""
        request = tx.request
        if "tag=" in (request.header("To") or ""):
            live = self._env.live.get(request.call_id)
            if live is not None and live.dialog.matches(request):
                live.received(tx)
            elif request.method == "OPTIONS":
                tx.respond(response_to(request, 200))
            else:
                tx.respond(response_to(request, 481))
        elif request.method == "REGISTER":
            tx.respond(self._system.registrar.register(
                request, tx.source, self._system.clock.monotonic(), self._credentials()))
            self._system.registrations_changed.set()
        elif request.method == "INVITE":
            self._invite(tx)
        elif request.method == "OPTIONS":
            tx.respond(response_to(request, 200))
        elif request.method in ("BYE", "INFO"):
            tx.respond(response_to(request, 481))
        else:
            refusal = response_to(request, 501)
            refusal.add("Allow", f"REGISTER, {ALLOW}")
            tx.respond(refusal)

    async def close(self) -> None:
        """Stop every phone that is ringing or talking."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run a phone's part of a call; it is cancelled by `close()`."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _invite(self, tx: ServerTx) -> None:
        request = tx.request
        now = self._system.clock.monotonic()
        verdict = check(request.header("Proxy-Authorization"), method="INVITE",
                        credentials=self._credentials(), nonces=self._system.registrar.nonces,
                        now=now)
        if verdict.credential is None:
            if request.header("Proxy-Authorization") is None or verdict.stale:
                response = response_to(request, 407, to_tag=ids.new_tag())
                response.add("Proxy-Authenticate", challenge(
                    self._system.registrar.nonces.issue(now), stale=verdict.stale))
                tx.respond(response)
            else:
                tx.respond(response_to(request, 403, to_tag=ids.new_tag(), reason="Forbidden"))
            return
        try:
            caller = _user(request.header("From") or "")
            target = parse_uri(request.uri).user or ""
        except ParseError:
            tx.respond(response_to(request, 400, to_tag=ids.new_tag()))
            return
        line = verdict.credential.user
        if caller != line or self._system.registrar.binding(line, now) is None:
            tx.respond(response_to(request, 403, to_tag=ids.new_tag(),
                                   reason="Forbidden (line not registered)"))
            return
        if not self._has_phone(target):
            tx.respond(response_to(request, 404, to_tag=ids.new_tag(), reason="Not Found"))
            return
        tx.respond(response_to(request, 100))
        self.spawn(ring(self._env, tx, extension=target, line=line,
                        behaviour=self._system.behaviours.of(target)))


def _user(value: str) -> str:
    return parse_name_addr(value).sip_uri.user or ""

