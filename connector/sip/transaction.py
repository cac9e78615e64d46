"""RFC 3261 §17 transactions as sans-I/O state machines (with RFC 6026's Accepted state).

A transaction takes messages and fired timers, and answers with actions for the shell: send
these bytes, start this timer, hand this response to the transaction user (TU), tell the TU
it timed out, forget me. It never touches a socket or a clock; a stale timer (one that fires
after the state it was started for) is ignored by the state checks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from connector.sip.message import Request, Response
from connector.sip.requests import ack_for_non_2xx

T1 = 0.5
T2 = 4.0
T4 = 5.0
TIMEOUT = 64 * T1  # Timers B, F, H, J, M


@dataclass(frozen=True)
class Send:
    data: bytes
    retransmission: bool = False


@dataclass(frozen=True)
class StartTimer:
    name: str
    delay: float


@dataclass(frozen=True)
class ToUser:
    """A response for the TU (client transactions)."""

    response: Response


@dataclass(frozen=True)
class AckReceived:
    """The ACK for our 2xx arrived (INVITE server transactions)."""


@dataclass(frozen=True)
class TimedOut:
    """Timer B/F (no final response) or H (no ACK for our final response)."""


@dataclass(frozen=True)
class Terminated:
    """The transaction is over; the shell drops it."""


Action = Send | StartTimer | ToUser | AckReceived | TimedOut | Terminated


class State(enum.Enum):
    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


class ClientInvite:
    """INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)."""

    def __init__(self, request: Request, *, reliable: bool) -> None:
        self.request = request
        self.reliable = reliable
        self.state = State.CALLING
        self._data = request.to_bytes()
        self._ack: bytes | None = None
        self._interval = T1

    def start(self) -> list[Action]:
        actions: list[Action] = [Send(self._data)]
        if not self.reliable:
            actions.append(StartTimer("A", T1))
        actions.append(StartTimer("B", TIMEOUT))
        return actions

    def on_response(self, response: Response) -> list[Action]:
        if self.state in (State.CALLING, State.PROCEEDING):
            if response.status < 200:
                self.state = State.PROCEEDING
                return [ToUser(response)]
            if response.status < 300:
                self.state = State.ACCEPTED
                return [ToUser(response), StartTimer("M", TIMEOUT)]
            self.state = State.COMPLETED
            self._ack = ack_for_non_2xx(self.request, response).to_bytes()
            wait = 0.0 if self.reliable else 32.0
            return [Send(self._ack), ToUser(response), StartTimer("D", wait)]
        if self.state is State.ACCEPTED and 200 <= response.status < 300:
            # A retransmitted 2xx: the TU must ACK it again (the ACK is end to end).
            return [ToUser(response)]
        if self.state is State.COMPLETED and response.status >= 300 and self._ack:
            return [Send(self._ack, retransmission=True)]
        return []

    def on_timer(self, name: str) -> list[Action]:
        if name == "A" and self.state is State.CALLING:
            self._interval *= 2
            return [Send(self._data, retransmission=True), StartTimer("A", self._interval)]
        if name == "B" and self.state is State.CALLING:
            self.state = State.TERMINATED
            return [TimedOut(), Terminated()]
        if (name == "D" and self.state is State.COMPLETED) or (
                name == "M" and self.state is State.ACCEPTED):
            self.state = State.TERMINATED
            return [Terminated()]
        return []


class ClientNonInvite:
    """Non-INVITE client transaction (RFC 3261 §17.1.2)."""

    def __init__(self, request: Request, *, reliable: bool) -> None:
        self.request = request
        self.reliable = reliable
        self.state = State.TRYING
        self._data = request.to_bytes()
        self._interval = T1

    def start(self) -> list[Action]:
        actions: list[Action] = [Send(self._data)]
        if not self.reliable:
            actions.append(StartTimer("E", T1))
        actions.append(StartTimer("F", TIMEOUT))
        return actions

    def on_response(self, response: Response) -> list[Action]:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return []
        if response.status < 200:
            self.state = State.PROCEEDING
            return [ToUser(response)]
        if self.reliable:
            self.state = State.TERMINATED
            return [ToUser(response), Terminated()]
        self.state = State.COMPLETED
        return [ToUser(response), StartTimer("K", T4)]

    def on_timer(self, name: str) -> list[Action]:
        if name == "E" and self.state in (State.TRYING, State.PROCEEDING):
            # §17.1.2.2: doubling up to T2 while trying; every T2 once a provisional came.
            self._interval = T2 if self.state is State.PROCEEDING else min(2 * self._interval, T2)
            return [Send(self._data, retransmission=True), StartTimer("E", self._interval)]
        if name == "F" and self.state in (State.TRYING, State.PROCEEDING):
            self.state = State.TERMINATED
            return [TimedOut(), Terminated()]
        if name == "K" and self.state is State.COMPLETED:
            self.state = State.TERMINATED
            return [Terminated()]
        return []


class ServerInvite:
    """INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026's Accepted state).

    The 2xx is retransmitted here on Timer G (T1 doubling to T2) until its ACK arrives, on
    every transport: the 2xx is end to end and a reliable first hop says nothing about the
    hops after it (RFC 3261 §13.3.1.4)."""

    def __init__(self, request: Request, *, reliable: bool) -> None:
        self.request = request
        self.reliable = reliable
        self.state = State.PROCEEDING
        self._last: bytes | None = None
        self._interval = T1

    def respond(self, response: Response) -> list[Action]:
        if self.state is not State.PROCEEDING:
            return []
        self._last = response.to_bytes()
        if response.status < 200:
            return [Send(self._last)]
        self.state = State.ACCEPTED if response.status < 300 else State.COMPLETED
        actions: list[Action] = [Send(self._last)]
        if self.state is State.ACCEPTED or not self.reliable:
            actions.append(StartTimer("G", T1))
        actions.append(StartTimer("H", TIMEOUT))
        return actions

    def on_request(self, request: Request) -> list[Action]:
        if request.method == "ACK":
            if self.state is State.ACCEPTED:
                self.state = State.TERMINATED
                return [AckReceived(), Terminated()]
            if self.state is State.COMPLETED:
                self.state = State.CONFIRMED
                if self.reliable:
                    self.state = State.TERMINATED
                    return [Terminated()]
                return [StartTimer("I", T4)]
            return []
        # A retransmitted INVITE: repeat the last provisional or non-2xx final response.
        if self.state in (State.PROCEEDING, State.COMPLETED) and self._last:
            return [Send(self._last, retransmission=True)]
        return []

    def on_timer(self, name: str) -> list[Action]:
        if name == "G" and self.state in (State.ACCEPTED, State.COMPLETED) and self._last:
            self._interval = min(2 * self._interval, T2)
            return [Send(self._last, retransmission=True), StartTimer("G", self._interval)]
        if name == "H" and self.state in (State.ACCEPTED, State.COMPLETED):
            self.state = State.TERMINATED
            return [TimedOut(), Terminated()]
        if name == "I" and self.state is State.CONFIRMED:
            self.state = State.TERMINATED
            return [Terminated()]
        return []


class ServerNonInvite:
    """Non-INVITE server transaction (RFC 3261 §17.2.2)."""

    def __init__(self, request: Request, *, reliable: bool) -> None:
        self.request = request
        self.reliable = reliable
        self.state = State.TRYING
        self._last: bytes | None = None

    def respond(self, response: Response) -> list[Action]:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return []
        self._last = response.to_bytes()
        if response.status < 200:
            self.state = State.PROCEEDING
            return [Send(self._last)]
        if self.reliable:
            self.state = State.TERMINATED
            return [Send(self._last), Terminated()]
        self.state = State.COMPLETED
        return [Send(self._last), StartTimer("J", TIMEOUT)]

    def on_request(self, request: Request) -> list[Action]:
        if self.state in (State.PROCEEDING, State.COMPLETED) and self._last:
            return [Send(self._last, retransmission=True)]
        return []

    def on_timer(self, name: str) -> list[Action]:
        if name == "J" and self.state is State.COMPLETED:
            self.state = State.TERMINATED
            return [Terminated()]
        return []


ClientTransaction = ClientInvite | ClientNonInvite
ServerTransaction = ServerInvite | ServerNonInvite
