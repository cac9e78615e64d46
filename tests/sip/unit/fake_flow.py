"""A flow that records what the agent sends instead of using a socket."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from connector.sip.agent import UserAgent
from connector.sip.config import ProxyAddress, UaConfig
from connector.sip.message import Response, parse
from connector.sip.metrics import SipMetrics

Address = tuple[str, int]


class FakeFlow:
    reliable = False
    transport_name = "UDP"
    up = True
    local_address: Address = ("192.0.2.10", 5060)

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, Address | None]] = []

    def send(self, data: bytes, destination: Address | None) -> bool:
        self.sent.append((data, destination))
        return True

    async def close(self) -> None:
        self.up = False

    def responses(self) -> list[Response]:
        return [m for m in (parse(data) for data, _ in self.sent) if isinstance(m, Response)]


PROXY_HOST = "10.0.0.1"  # where the proxy (Zoom) sends from in these tests


def agent_with_fake_flow() -> tuple[UserAgent, FakeFlow, CollectorRegistry]:
    """An agent whose line 1001 trusts its proxy at PROXY_HOST."""
    registry = CollectorRegistry()
    metrics = SipMetrics(registry)
    agent = UserAgent(UaConfig(), (ProxyAddress("proxy.test", 5060),), metrics)
    flow = FakeFlow()
    agent.flow = flow  # type: ignore[assignment]
    agent.trusted.set_line("1001", frozenset({PROXY_HOST}))
    return agent, flow, registry
