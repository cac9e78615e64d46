"""The SIP side on loopback, and the connector's own line pool registered to it with the
accounts of the demo hotel's "Other" device."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from connector.sandbox import Sandbox
from connector.sandbox.sip.side import SipSide
from connector.settings.phone import SipAccount, SipSettings, SipTransport, SrtpMode
from connector.sip.api import InboundHandler
from connector.sip.pool import LinePool

# RTP ports: the emulated phones' and the pool's, apart from each other and the SIP test bed's.
PHONE_RTP = (46000, 46499)
POOL_RTP = (46500, 46999)


def device_lines(sandbox: Sandbox, *, password: str | None = None) -> list[SipAccount]:
    """The lines of the demo hotel's "Other" device, as Zoom's provisioning page shows them
    (`password` replaces every password: a line set up wrongly)."""
    device = sandbox.account.devices[sandbox.hotel.connector_device_id]
    return [SipAccount(user=sip.user_name, auth_user=sip.authorization_id,
                       password=SecretStr(password or sip.password), domain=sip.sip_domain,
                       outbound_proxy=sip.outbound_proxy)
            for sip in device.sip_accounts]


def pool_for(sip: SipSide, lines: list[SipAccount], inbound: InboundHandler | None = None,
             *, srtp: SrtpMode = SrtpMode.OFF) -> LinePool:
    """The connector's pool, pointed at the SIP side over UDP (plain RTP unless asked)."""
    settings = SipSettings(transport=SipTransport.UDP, outbound_proxy=sip.address,
                           srtp=srtp,
                           bind_host="127.0.0.1", rtp_port_min=POOL_RTP[0],
                           rtp_port_max=POOL_RTP[1], stagger_seconds=0.01)
    return LinePool.from_settings(settings, lines, registry=CollectorRegistry(),
                                  inbound=inbound)


@pytest.fixture
async def sip_side(sandbox: Sandbox) -> AsyncIterator[SipSide]:
    async with SipSide(sandbox, rtp_ports=PHONE_RTP) as side:
        yield side


@pytest.fixture
async def pool(sip_side: SipSide, sandbox: Sandbox) -> AsyncIterator[LinePool]:
    """Every line of the device, registered."""
    lines = pool_for(sip_side, device_lines(sandbox))
    await lines.start()
    try:
        assert await lines.wait_ready(lines.lines_total, within=5), "the lines did not register"
        yield lines
    finally:
        await lines.stop()
