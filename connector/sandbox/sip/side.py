"""The sandbox's telephone side, started beside the Zoom emulator: Zoom Phone's registrar
and proxy for the connector's SIP lines, and every room phone of the demo hotel.

    async with SipSide(sandbox) as sip:                 # UDP on 127.0.0.1, a free port
        settings: CONNECTOR_SIP__OUTBOUND_PROXY=sip.address, transport udp
        sip.behaviours.set("2101", PhoneBehaviour(pickup=Pickup.BUSY))
        await sip.calls.wait_for(lambda call: call.extension == "2101" and call.ended)
        await sip.room_calls(extension="2102", dialled="7001", digits="2")
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from connector.sandbox.sandbox import Sandbox
from connector.sandbox.sip.behaviour import PhoneBehaviours
from connector.sandbox.sip.calls import CallLog, PhoneCall
from connector.sandbox.sip.directory import has_phone, line_credentials
from connector.sandbox.sip.environment import DEFAULT_RTP_PORTS, Environment
from connector.sandbox.sip.registrar import Binding
from connector.sandbox.sip.room_caller import Dialling, call_line
from connector.sandbox.sip.state import PhoneSystem, phone_system
from connector.sandbox.sip.switchboard import Switchboard
from connector.sandbox.sip.transactions import Transactions
from connector.settings.phone import SrtpMode

LOOPBACK = "127.0.0.1"


class SipSideError(Exception):
    """The SIP side cannot do what was asked (no line registered to call, ...)."""


class SipSide:
    """UDP on loopback; `start()` or `async with`. Call records are stamped with the
    sandbox's clock (hotel time)."""

    def __init__(self, sandbox: Sandbox, *, host: str = LOOPBACK, port: int = 0,
                 srtp: SrtpMode = SrtpMode.OPTIONAL,
                 rtp_ports: tuple[int, int] = DEFAULT_RTP_PORTS) -> None:
        """`srtp`: what the room phones accept (optional: they follow the connector)."""
        self.sandbox = sandbox
        self._host, self._port = host, port
        self.system: PhoneSystem = phone_system(sandbox)
        self._layer = Transactions(lambda tx: self._switchboard.request(tx))
        self._env = Environment(self._layer, self.system.calls, sandbox.clock, srtp=srtp,
                                rtp_ports=rtp_ports)
        self._switchboard = Switchboard(
            self._env, self.system,
            credentials=lambda: line_credentials(sandbox.account),
            has_phone=lambda extension: has_phone(sandbox.account, extension))

    @property
    def address(self) -> str:
        """`host:port` to give the connector as its outbound proxy."""
        return self._env.domain

    @property
    def behaviours(self) -> PhoneBehaviours:
        return self.system.behaviours

    @property
    def calls(self) -> CallLog:
        return self.system.calls

    async def start(self) -> str:
        """Bind the socket; the address (see `address`). Raises OSError when the port is
        taken."""
        await self._layer.open(self._host, self._port)
        return self.address

    async def close(self) -> None:
        """Stop every phone, close the socket and free the RTP ports."""
        await self._switchboard.close()
        self._layer.close()

    async def __aenter__(self) -> SipSide:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    def registered(self) -> list[Binding]:
        """The lines registered now."""
        return self.system.registrar.bindings(self.system.clock.monotonic())

    async def wait_registered(self, count: int, *, within: float) -> bool:
        """Wait up to `within` seconds until `count` lines are registered."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while len(self.registered()) < count:
                    self.system.registrations_changed.clear()
                    await self.system.registrations_changed.wait()
        return len(self.registered()) >= count

    async def room_calls(self, *, extension: str, dialled: str, digits: str = "",
                         line: str | None = None, digit_delay: float = 1.5,
                         answer_within: float = 10.0,
                         hang_up_after: float = 30.0) -> PhoneCall:
        """The phone of `extension` calls `dialled`, delivered to a registered line (`line`,
        else the first), keys `digits` `digit_delay` seconds after the answer, and waits
        for the connector to hang up (hanging up itself after `hang_up_after`). Raises
        SipSideError when no line is registered."""
        now = self.system.clock.monotonic()
        registrar = self.system.registrar
        binding = registrar.binding(line, now) if line else next(
            iter(registrar.bindings(now)), None)
        if binding is None:
            raise SipSideError(f"no connector line {'is' if line is None else line + ' is'} "
                               "registered to take the call")
        dialling = Dialling(extension=extension, dialled=dialled, digits=digits,
                            digit_delay=digit_delay, answer_within=answer_within,
                            hang_up_after=hang_up_after)
        return await self._switchboard.spawn(call_line(self._env, binding, dialling))

