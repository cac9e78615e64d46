"""Zoom's proxy, seen by a bare SIP client: INVITEs are challenged with 407 first, and only
a registered line may place calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from connector.sandbox import Sandbox
from connector.sandbox.sip.side import SipSide
from connector.sip.message import Request, Response, parse
from connector.sip.requests import with_credentials
from tests.sandbox.sip.conftest import device_lines


class Client(asyncio.DatagramProtocol):
    """A UDP socket that queues what it receives."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[bytes] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.received.put_nowait(data)

    async def exchange(self, request: Request, to: str) -> Response:
        host, port = to.split(":")
        assert self.transport is not None
        self.transport.sendto(request.to_bytes(), (host, int(port)))
        while True:
            answer = parse(await asyncio.wait_for(self.received.get(), 3))
            assert isinstance(answer, Response)
            if answer.status >= 200:
                return answer


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
        Client, local_addr=("127.0.0.1", 0))
    protocol.transport = transport
    yield protocol
    transport.close()


def invite(user: str, branch: str, cseq: int = 1) -> Request:
    request = Request(method="INVITE", uri="sip:2101@127.0.0.1:5091")
    request.add("Via", f"SIP/2.0/UDP 127.0.0.1:40001;branch=z9hG4bK{branch};rport")
    request.add("Max-Forwards", "70")
    request.add("From", f"<sip:{user}@127.0.0.1:5091>;tag=f1")
    request.add("To", "<sip:2101@127.0.0.1:5091>")
    request.add("Call-ID", "proxy-test@127.0.0.1")
    request.add("CSeq", f"{cseq} INVITE")
    request.add("Contact", f"<sip:{user}@127.0.0.1:40001>")
    return request


async def test_an_invite_without_credentials_is_challenged_with_407(
        client: Client, sip_side: SipSide, sandbox: Sandbox) -> None:
    line = device_lines(sandbox)[0]
    answer = await client.exchange(invite(line.user, "one"), sip_side.address)
    assert answer.status == 407
    assert (answer.header("Proxy-Authenticate") or "").startswith("Digest ")


async def test_a_line_that_is_not_registered_may_not_place_calls(
        client: Client, sip_side: SipSide, sandbox: Sandbox) -> None:
    line = device_lines(sandbox)[0]
    first = invite(line.user, "one")
    challenge = await client.exchange(first, sip_side.address)
    retry = with_credentials(first, challenge, username=line.auth_user or line.user,
                             password=line.password.get_secret_value(), cnonce="c0ffee")
    retry.headers.insert(0, ("Via", "SIP/2.0/UDP 127.0.0.1:40001;branch=z9hG4bKtwo;rport"))
    answer = await client.exchange(retry, sip_side.address)
    assert answer.status == 403
    assert sip_side.calls.calls == []
