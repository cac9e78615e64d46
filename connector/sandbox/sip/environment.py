"""What every emulated phone shares: the socket and transactions, the RTP ports and media
clock, the call log, the hotel's clock, and the calls in progress (for in-dialog requests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.clock import Clock
from connector.sandbox.sip.calls import CallLog
from connector.sandbox.sip.live_call import LiveCall
from connector.sandbox.sip.transactions import Transactions
from connector.settings.phone import SrtpMode
from connector.sip.media.clock import MediaClock
from connector.sip.media.stream import MediaStream

# Away from the connector's default RTP range (20000-20999) and the SIP test bed's.
DEFAULT_RTP_PORTS = (46000, 46999)


@dataclass
class Environment:
    """The parts every emulated phone uses."""

    layer: Transactions
    calls: CallLog
    clock: Clock  # the hotel's (sandbox) clock: call records are stamped with it
    srtp: SrtpMode = SrtpMode.OPTIONAL
    rtp_ports: tuple[int, int] = DEFAULT_RTP_PORTS
    media_clock: MediaClock = field(default_factory=MediaClock)
    live: dict[str, LiveCall] = field(default_factory=dict)  # by Call-ID

    @property
    def host(self) -> str:
        """The address the phones listen on."""
        return self.layer.address[0]

    @property
    def domain(self) -> str:
        """`host:port` of the SIP side: the domain of the addresses it makes up."""
        host, port = self.layer.address
        return f"{host}:{port}"

    async def open_media(self) -> MediaStream:
        """An RTP stream for one call (raises MediaError when no port is free)."""
        return await MediaStream.open(
            bind_host=self.host, advertised_host=self.host, port_min=self.rtp_ports[0],
            port_max=self.rtp_ports[1], clock=self.media_clock, srtp=self.srtp)
