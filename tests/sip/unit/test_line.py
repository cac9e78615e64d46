"""A line keeping its registration: digest, refresh timing, 423, backoff, reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from connector.settings.phone import SipAccount, SipTransport
from connector.sip.config import ProxyAddress, UaConfig
from connector.sip.line import Line
from connector.sip.message import Request, Response
from connector.sip.metrics import SipMetrics
from connector.sip.trust import TrustedSources
from tests.sip.unit.factories import response
from tests.support.fake_clock import FakeClock

CHALLENGE = 'WWW-Authenticate: Digest realm="hotel.test", nonce="n1", qop="auth"\r\n'


class FakeFlow:
    up = True
    reliable = False
    local_address = ("192.0.2.10", 5060)
    failovers = 0

    def fail_over(self) -> None:
        self.failovers += 1


class FakeAgent:
    """Answers each REGISTER with what `answer` says."""

    def __init__(self, answer: Callable[[Request], Response]) -> None:
        self.config = UaConfig(transport=SipTransport.UDP)
        self.proxies = (ProxyAddress("proxy.hotel.test", 5060),)
        self.trusted = TrustedSources()
        self.dns = {"proxy.hotel.test": {"198.51.100.7"}, "hotel.test": {"198.51.100.8"}}
        self.flow = FakeFlow()
        self.sent: list[Request] = []
        self.watchers: list[Callable[[bool], None]] = []
        self._answer = answer

    def watch_flow(self, sink: Callable[[bool], None]) -> None:
        self.watchers.append(sink)

    async def resolve_trusted(self, hosts: tuple[str, ...]) -> frozenset[str]:
        return frozenset().union(*(self.dns.get(host, set()) for host in hosts))

    async def request(self, request: Request) -> Response:
        self.sent.append(request)
        return self._answer(request)


class PatientClock(FakeClock):
    """Records sleeps but never ends them: only a wake-up can cut a wait short."""

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds > 0:
            await asyncio.Event().wait()


def registrar(granted: int = 120) -> Callable[[Request], Response]:
    """Challenges every REGISTER without credentials, grants the rest."""
    def answer(request: Request) -> Response:
        if request.header("Authorization") is None:
            return response(request, 401, extra=CHALLENGE)
        return response(request, 200, extra=f"Expires: {granted}\r\n")
    return answer


def make_line(agent: FakeAgent, clock: FakeClock,
              registry: CollectorRegistry | None = None) -> Line:
    account = SipAccount(user="15550100", auth_user="802", password="pw", domain="hotel.test")
    return Line(account, agent, expires=600,  # type: ignore[arg-type]
                metrics=SipMetrics(registry or CollectorRegistry()), clock=clock,
                on_change=lambda: None)


async def test_registration_answers_the_401_with_the_authorization_id() -> None:
    agent = FakeAgent(registrar())
    registry = CollectorRegistry()
    line = make_line(agent, FakeClock(), registry)
    assert await line.register(600) == 120
    first, second = agent.sent
    assert "username=\"802\"" in (second.header("Authorization") or "")
    assert second.cseq[0] == first.cseq[0] + 1
    assert second.call_id == first.call_id
    assert line.registered
    assert registry.get_sample_value("connector_sip_lines_registered") == 1
    assert registry.get_sample_value("connector_sip_registrations_total", {"result": "ok"}) == 1


async def test_refresh_is_scheduled_well_before_the_granted_expiry() -> None:
    agent = FakeAgent(registrar(granted=120))
    clock = FakeClock()
    line = make_line(agent, clock)
    task = asyncio.create_task(line.run(start_delay=0.4))
    for _ in range(20):
        await asyncio.sleep(0)
    task.cancel()
    # Staggered start, then refreshes at 90 s of every 120 s granted.
    assert clock.sleeps[0] == 0.4
    assert clock.sleeps[1:4] == [90.0, 90.0, 90.0]
    assert len(agent.sent) >= 6


async def test_interval_too_brief_is_retried_with_min_expires() -> None:
    def answer(request: Request) -> Response:
        if request.header("Expires") == "600":
            return response(request, 423, extra="Min-Expires: 900\r\n")
        return response(request, 200, extra="Expires: 900\r\n")
    agent = FakeAgent(answer)
    line = make_line(agent, FakeClock())
    assert await line.register(600) == 900
    assert [r.header("Expires") for r in agent.sent] == ["600", "900"]


async def test_failures_back_off_and_a_timeout_fails_over_to_the_secondary_proxy() -> None:
    agent = FakeAgent(lambda request: response(request, 408))
    clock = FakeClock()
    line = make_line(agent, clock)
    task = asyncio.create_task(line.run(start_delay=0))
    for _ in range(20):
        await asyncio.sleep(0)
    task.cancel()
    # Doubling from 2 s, each between half and all of its step (jitter).
    for backoff, step in zip(clock.sleeps[1:5], (2, 4, 8, 16), strict=True):
        assert step / 2 <= backoff <= step
    assert not line.registered
    assert agent.flow.failovers >= 3


async def test_a_reconnected_flow_re_registers_at_once() -> None:
    agent = FakeAgent(registrar(granted=3600))
    agent.flow.reliable = True
    clock = PatientClock()
    line = make_line(agent, clock)
    task = asyncio.create_task(line.run(start_delay=0))
    for _ in range(5):
        await asyncio.sleep(0)
    sent = len(agent.sent)
    for watcher in agent.watchers:
        watcher(False)
    assert not line.registered
    for watcher in agent.watchers:
        watcher(True)
    for _ in range(5):
        await asyncio.sleep(0)
    task.cancel()
    assert sent == 2
    assert len(agent.sent) == 4
    assert line.registered
    assert clock.sleeps == [0, 2880.0, 2880.0]


async def test_learned_public_address_goes_into_the_contact() -> None:
    def answer(request: Request) -> Response:
        reply = registrar()(request)
        reply.replace("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx;"
                             "received=203.0.113.7;rport=40001")
        return reply
    agent = FakeAgent(answer)
    line = make_line(agent, FakeClock())
    await line.register(600)
    assert line.contact_uri == "sip:15550100@203.0.113.7:40001"
    assert agent.sent[-1].header("Contact") == "<sip:15550100@203.0.113.7:40001>;expires=600"


async def test_only_the_proxy_and_registrar_addresses_of_the_moment_may_call_the_line() -> None:
    agent = FakeAgent(registrar())
    line = make_line(agent, FakeClock())
    await line.register(600)
    assert agent.trusted.addresses(line.user) == {"198.51.100.7", "198.51.100.8"}

    agent.dns["proxy.hotel.test"] = {"198.51.100.9"}  # Zoom moved its proxy
    await line.register(600)
    assert agent.trusted.addresses(line.user) == {"198.51.100.9", "198.51.100.8"}
    assert not agent.trusted.allows(line.user, "198.51.100.7")

    agent.dns.clear()  # DNS down: keep trusting what we knew rather than lock Zoom out
    await line.register(600)
    assert agent.trusted.addresses(line.user) == {"198.51.100.9", "198.51.100.8"}
