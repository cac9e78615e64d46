"""Line health in Prometheus metrics, on an injectable registry."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class SipMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else REGISTRY
        self.lines_registered = Gauge(
            "connector_sip_lines_registered", "SIP lines registered now", registry=registry)
        self.registrations = Counter(
            "connector_sip_registrations", "REGISTER outcomes", ["result"], registry=registry)
        self.calls = Counter(
            "connector_sip_calls", "Calls by direction and outcome", ["direction", "outcome"],
            registry=registry)
        self.messages_in = Counter(
            "connector_sip_messages_received", "SIP messages received", ["kind"], registry=registry)
        self.messages_out = Counter(
            "connector_sip_messages_sent", "SIP messages sent", ["kind"], registry=registry)
        self.malformed = Counter(
            "connector_sip_malformed_dropped", "Malformed SIP packets dropped", registry=registry)
        self.refused = Counter(
            "connector_sip_refused", "SIP requests refused before any work, by reason",
            ["reason"], registry=registry)
        self.retransmissions = Counter(
            "connector_sip_retransmissions", "SIP messages sent again by a transaction timer",
            registry=registry)
        self.reconnects = Counter(
            "connector_sip_transport_reconnects", "Connections to the proxy re-opened",
            registry=registry)
