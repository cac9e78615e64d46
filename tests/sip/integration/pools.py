"""Building our line pool against the test Kamailio."""

from __future__ import annotations

import math

from prometheus_client import CollectorRegistry

from connector.settings.phone import SipAccount, SipTransport, SrtpMode
from connector.sip.api import InboundHandler, Prompt
from connector.sip.config import UaConfig
from connector.sip.metrics import SipMetrics
from connector.sip.pool import LinePool
from tests.sip.peers.kamailio import Kamailio

# Our RTP ports: outside the 30000-40000 block the peers take theirs from.
RTP_PORTS = (42000, 42999)


def make_pool(kamailio: Kamailio, *, transport: str = "udp", lines: int = 1,
              first_line: int = 1001, expires: int = 60, srtp: SrtpMode = SrtpMode.OFF,
              inbound: InboundHandler | None = None,
              registry: CollectorRegistry | None = None,
              primary_proxy: str | None = None, trust_test_ca: bool = True) -> LinePool:
    """A pool of lines 1001, 1002, ... registered to `kamailio` over `transport` (with
    `primary_proxy`, Kamailio is only the secondary)."""
    config = UaConfig(
        transport=SipTransport(transport),
        outbound_proxy=primary_proxy or kamailio.proxy(transport),
        secondary_proxy=kamailio.proxy(transport) if primary_proxy else None,
        bind_host=kamailio.host, srtp=srtp,
        tls_ca_file=kamailio.ca_file if trust_test_ca else None,
        register_expires=expires, stagger_seconds=0.01, keepalive_seconds=5,
        rtp_port_min=RTP_PORTS[0], rtp_port_max=RTP_PORTS[1])
    accounts = [SipAccount(user=str(first_line + n), password=kamailio.password,
                           domain=kamailio.host) for n in range(lines)]
    return LinePool(config, accounts, metrics=SipMetrics(registry or CollectorRegistry()),
                    inbound=inbound)


def tone(seconds: float = 1.0) -> Prompt:
    """A 440 Hz tone: something audible for the far end to receive."""
    samples = int(8000 * seconds)
    pcm = b"".join(int(8000 * math.sin(2 * math.pi * 440 * n / 8000)).to_bytes(
        2, "little", signed=True) for n in range(samples))
    return Prompt("tone", pcm)
