"""The SIP user agent's configuration, built from SipSettings in one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connector.settings.phone import SipAccount, SipSettings, SipTransport, SrtpMode
from connector.sip.address import split_host_port
from connector.sip.errors import SipError

DEFAULT_PORTS = {SipTransport.UDP: 5060, SipTransport.TCP: 5060, SipTransport.TLS: 5061}


@dataclass(frozen=True)
class ProxyAddress:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_proxy(text: str, transport: SipTransport) -> ProxyAddress:
    """`host` or `host:port` (default port by transport); raises SipError when malformed."""
    try:
        host, port = split_host_port(text)
    except SipError as error:
        raise SipError(f"bad SIP proxy address {text!r}: {error}") from error
    return ProxyAddress(host.strip("[]"), port or DEFAULT_PORTS[transport])


@dataclass(frozen=True)
class UaConfig:
    transport: SipTransport = SipTransport.TLS
    outbound_proxy: str | None = None  # overrides every line's proxy
    secondary_proxy: str | None = None
    bind_host: str = "0.0.0.0"  # noqa: S104 - the SIP/RTP listening address is configurable
    bind_port: int = 0
    advertised_host: str | None = None
    rtp_port_min: int = 20000
    rtp_port_max: int = 20999
    srtp: SrtpMode = SrtpMode.OPTIONAL
    tls_ca_file: Path | None = None
    tls_verify: bool = True
    register_expires: int = 600
    keepalive_seconds: float = 30.0
    stagger_seconds: float = 0.2
    user_agent: str = "zoom-hotel-connector"

    @classmethod
    def from_settings(cls, settings: SipSettings) -> UaConfig:
        return cls(
            transport=settings.transport,
            outbound_proxy=settings.outbound_proxy,
            secondary_proxy=settings.secondary_proxy,
            bind_host=settings.bind_host,
            bind_port=settings.bind_port,
            advertised_host=settings.advertised_host,
            rtp_port_min=settings.rtp_port_min,
            rtp_port_max=settings.rtp_port_max,
            srtp=settings.srtp,
            tls_ca_file=settings.tls_ca_file,
            tls_verify=settings.tls_verify,
            register_expires=settings.register_expires_seconds,
            keepalive_seconds=settings.keepalive_seconds,
            stagger_seconds=settings.stagger_seconds,
            user_agent=settings.user_agent,
        )

    def proxies_for(self, account: SipAccount) -> tuple[ProxyAddress, ...]:
        """The proxies a line talks through: primary first, then the one to fail over to."""
        primary = self.outbound_proxy or account.outbound_proxy or account.domain
        found = [parse_proxy(primary, self.transport)]
        if self.secondary_proxy:
            found.append(parse_proxy(self.secondary_proxy, self.transport))
        return tuple(found)
