"""Dialling a room, scripted: 407 retry, answer, ring timeout with CANCEL, a 200 that
crosses the CANCEL, an answer with SDP we cannot use."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from prometheus_client import CollectorRegistry

from connector.settings.phone import SipAccount, SipTransport
from connector.sip.agent import ClientHandle
from connector.sip.api import DialStatus, Prompt
from connector.sip.call import SipCall
from connector.sip.config import UaConfig
from connector.sip.line import Line
from connector.sip.media.errors import SdpError
from connector.sip.message import Request, Response, parse
from connector.sip.metrics import SipMetrics
from connector.sip.outbound import OutboundCall
from tests.sip.unit.factories import response
from tests.support.fake_clock import FakeClock

PROXY_CHALLENGE = 'Proxy-Authenticate: Digest realm="hotel.test", nonce="n", qop="auth"\r\n'
ANSWER_EXTRA = ("Record-Route: <sip:proxy.test;lr>\r\nContact: <sip:room@10.0.0.9:5062>\r\n"
                "Content-Type: application/sdp\r\n")


class PatientClock(FakeClock):
    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.Event().wait()


class FakeMedia:
    def __init__(self, *, bad_answer: bool = False) -> None:
        self.bad_answer = bad_answer
        self.started = False
        self.closed = False
        self.answers: list[str] = []

    def offer(self) -> str:
        return "v=0 offer"

    def accept_answer(self, sdp: str) -> None:
        if self.bad_answer:
            raise SdpError(488, "no common codec")
        self.answers.append(sdp)

    def answer(self, offer_sdp: str) -> str:
        return "v=0 answer"

    def start(self) -> None:
        self.started = True

    async def play(self, prompts: Sequence[Prompt], *, interrupt_on_digit: bool = False) -> None:
        return None

    async def read_digit(self, timeout: float) -> str | None:  # noqa: ASYNC109
        return None

    def clear_digits(self) -> None:
        return None

    def push_digit(self, digit: str) -> None:
        return None

    async def close(self) -> None:
        self.closed = True


class ScriptedAgent:
    """Plays the proxy and the room: each INVITE and CANCEL is answered by a script."""

    def __init__(self, on_invite: Callable[[Request], list[Response]],
                 on_cancel: Callable[[Request], list[Response]] = lambda invite: []) -> None:
        self.config = UaConfig(transport=SipTransport.UDP, user_agent="test")
        self.flow = type("Flow", (), {"local_address": ("192.0.2.10", 5060),
                                      "reliable": False})()
        self.invites: list[Request] = []
        self.cancelled: list[Request] = []
        self.acks: list[Request] = []
        self.requests: list[Request] = []
        self._on_invite = on_invite
        self._on_cancel = on_cancel

    def watch_flow(self, sink: Callable[[bool], None]) -> None:
        return None

    def start_request(self, request: Request) -> ClientHandle:
        branch = f"z9hG4bK{len(self.invites)}"
        request.headers.insert(0, ("Via", f"SIP/2.0/UDP 192.0.2.10;branch={branch}"))
        self.invites.append(request)
        handle = ClientHandle(request)
        for reply in self._on_invite(request):
            handle.responses.put_nowait(reply)
        self._handle = handle
        return handle

    def cancel(self, invite: ClientHandle) -> ClientHandle:
        self.cancelled.append(invite.request)
        for reply in self._on_cancel(invite.request):
            self._handle.responses.put_nowait(reply)
        return ClientHandle(invite.request)

    def send_ack(self, ack: Request) -> bytes:
        self.acks.append(ack)
        return ack.to_bytes()

    async def request(self, request: Request) -> Response:
        self.requests.append(request)
        return response(request, 200)


def ok(invite: Request) -> Response:
    reply = response(invite, 200, extra=ANSWER_EXTRA)
    reply.body = b"v=0 answer"
    return parse(reply.to_bytes())  # type: ignore[return-value]


def dial(agent: ScriptedAgent, media: FakeMedia, clock: FakeClock,
         ended: list[SipCall] | None = None) -> OutboundCall:
    account = SipAccount(user="1001", password="secret", domain="hotel.test")
    line = Line(account, agent, expires=600,  # type: ignore[arg-type]
                metrics=SipMetrics(CollectorRegistry()), clock=clock, on_change=lambda: None)
    sink = ended if ended is not None else []
    return OutboundCall(line, "2101", media, clock=clock,  # type: ignore[arg-type]
                        on_end=sink.append)


async def test_room_answering_after_a_407_gives_a_live_call() -> None:
    def script(invite: Request) -> list[Response]:
        if invite.header("Proxy-Authorization") is None:
            return [response(invite, 407, extra=PROXY_CHALLENGE)]
        return [response(invite, 100, to_tag=None), response(invite, 180), ok(invite)]
    agent, media = ScriptedAgent(script), FakeMedia()
    result = await dial(agent, media, PatientClock()).run(ring_timeout=30)
    assert result.status is DialStatus.ANSWERED and result.call is not None
    first, second = agent.invites
    assert second.cseq == (2, "INVITE") and second.call_id == first.call_id
    assert second.uri == "sip:2101@hotel.test"
    (ack,) = agent.acks
    assert ack.cseq == (2, "ACK")
    assert ack.uri == "sip:room@10.0.0.9:5062"
    assert ack.header_values("Route") == ["<sip:proxy.test;lr>"]
    assert media.answers == ["v=0 answer"] and media.started


async def test_ring_timeout_cancels_and_the_487_means_no_answer() -> None:
    agent = ScriptedAgent(lambda invite: [response(invite, 180)],
                          on_cancel=lambda invite: [response(invite, 487)])
    clock = FakeClock()
    result = await dial(agent, FakeMedia(), clock).run(ring_timeout=24)
    assert result.status is DialStatus.NO_ANSWER and result.sip_code == 487
    assert len(agent.cancelled) == 1
    assert clock.sleeps[0] == 24


async def test_answer_crossing_our_cancel_is_acked_and_hung_up() -> None:
    agent = ScriptedAgent(lambda invite: [response(invite, 180)],
                          on_cancel=lambda invite: [ok(invite)])
    ended: list[SipCall] = []
    media = FakeMedia()
    result = await dial(agent, media, FakeClock(), ended).run(ring_timeout=24)
    assert result.status is DialStatus.NO_ANSWER and result.call is None
    assert len(agent.acks) == 1
    assert [r.method for r in agent.requests] == ["BYE"]
    assert len(ended) == 1 and media.closed


async def test_answer_with_unusable_sdp_is_hung_up_as_failed() -> None:
    agent = ScriptedAgent(lambda invite: [ok(invite)])
    media = FakeMedia(bad_answer=True)
    result = await dial(agent, media, PatientClock()).run(ring_timeout=24)
    assert (result.status, result.sip_code) == (DialStatus.FAILED, 488)
    assert [r.method for r in agent.requests] == ["BYE"]
    assert agent.requests[0].header_values("Route") == ["<sip:proxy.test;lr>"]


async def test_busy_room_and_no_provisional_before_the_timeout() -> None:
    agent = ScriptedAgent(lambda invite: [response(invite, 486)])
    result = await dial(agent, FakeMedia(), PatientClock()).run(ring_timeout=24)
    assert (result.status, result.sip_code) == (DialStatus.BUSY, 486)
    silent = ScriptedAgent(lambda invite: [])
    result = await dial(silent, FakeMedia(), FakeClock()).run(ring_timeout=24)
    # No provisional: CANCEL is not allowed yet (RFC 3261 §9.1); the dial ends unanswered.
    assert result.status is DialStatus.NO_ANSWER and silent.cancelled == []


async def test_answer_with_an_unusable_contact_is_still_acked_and_hung_up() -> None:
    def broken(invite: Request) -> list[Response]:
        return [response(invite, 200, extra="Contact: <mailto:room@hotel.test>\r\n")]
    agent = ScriptedAgent(broken)
    ended: list[SipCall] = []
    media = FakeMedia()
    result = await dial(agent, media, PatientClock(), ended).run(ring_timeout=24)
    assert result.status is DialStatus.FAILED and "unusable 2xx" in result.reason
    assert len(agent.acks) == 1
    assert [(r.method, r.uri) for r in agent.requests] == [("BYE", "sip:2101@hotel.test")]
    assert len(ended) == 1 and media.closed
