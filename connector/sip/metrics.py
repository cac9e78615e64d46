"""Line health in Prometheus metrics, on an injectable registry."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class SipMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else REGISTRY
        self.lines_registered = Gauge(
            "sip_lines_registered", "SIP lines registered now", registry=registry)
        self.registrations = Counter(
            "sip_registrations", "REGISTER outcomes", ["result"], registry=registry)
        self.calls = Counter(
            "sip_calls", "Calls by direction and outcome", ["direction", "outcome"],
            registry=registry)
        self.messages_in = Counter(
            "sip_messages_received", "SIP messages received", ["kind"], registry=registry)
        self.messages_out = Counter(
            "sip_messages_sent", "SIP messages sent", ["kind"], registry=registry)
        self.malformed = Counter(
            "sip_malformed_dropped", "Malformed SIP packets dropped", registry=registry)
        self.retransmissions = Counter(
            "sip_retransmissions", "SIP messages sent again by a transaction timer",
            registry=registry)
        self.reconnects = Counter(
            "sip_transport_reconnects", "Connections to the proxy re-opened", registry=registry)
