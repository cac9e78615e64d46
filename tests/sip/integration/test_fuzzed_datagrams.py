"""A hostile network against a running line: over 10,000 mutated INVITEs, BYEs, OPTIONS and
responses (seeded, so a failure replays) sent over UDP on loopback, most from the proxy's own
address so they reach past the 403 gate into transactions, dialogs and media. The line stays
registered, no exception escapes to the event loop or the log, and every transaction, call
and media stream the storm started drains away."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import random
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from connector.sip import call as sip_call
from connector.sip import transaction
from connector.sip.api import Call, CallerId
from connector.sip.pool import LinePool
from tests.sip.integration.pools import make_pool
from tests.sip.peers.kamailio import Kamailio
from tests.support.waiting import until

SEED = 20261207
DATAGRAMS = 10_200
BATCH = 60  # datagrams between pauses, so the agent keeps up (UDP would drop the excess)
PAUSE_SECONDS = 0.03
STRANGER = "127.0.0.2"  # not the proxy's address: everything it starts is refused


def base_messages(line: str, target: tuple[str, int], source: tuple[str, int]) -> list[bytes]:
    """Real messages a line receives: a call with an SDP offer, a BYE, an OPTIONS, responses."""
    host, port = source
    sdp = (f"v=0\r\no=- 1 1 IN IP4 {host}\r\ns=-\r\nc=IN IP4 {host}\r\nt=0 0\r\n"
           f"m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n")
    head = (f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bKfuzz;rport\r\n"
            f"From: <sip:2101@{target[0]}>;tag=room\r\nTo: <sip:7001@{target[0]}>{{to_tag}}\r\n"
            f"Call-ID: fuzz@{host}\r\nCSeq: 1 {{method}}\r\nMax-Forwards: 70\r\n")
    uri = f"sip:{line}@{target[0]}:{target[1]}"

    def request(method: str, body: str = "", to_tag: str = "", extra: str = "") -> bytes:
        return (f"{method} {uri} SIP/2.0\r\n" + head.format(to_tag=to_tag, method=method)
                + f"Contact: <sip:2101@{host}:{port}>\r\n{extra}"
                + f"Content-Length: {len(body)}\r\n\r\n{body}").encode()

    def response(status: str, method: str) -> bytes:
        return (f"SIP/2.0 {status}\r\n" + head.format(to_tag=";tag=far", method=method)
                + "Content-Length: 0\r\n\r\n").encode()

    return [
        request("INVITE", sdp, extra="Content-Type: application/sdp\r\n"
                f"P-Asserted-Identity: <sip:2101@{target[0]}>\r\n"
                f"Record-Route: <sip:{host}:{port};lr>\r\n"),
        request("BYE", to_tag=";tag=ours"),
        request("OPTIONS"),
        response("200 OK", "INVITE"),
        response("180 Ringing", "INVITE"),
        response("401 Unauthorized", "REGISTER"),
    ]


def fresh_ids(rng: random.Random, data: bytes) -> bytes:
    """New branch and Call-ID, so most datagrams start a transaction of their own."""
    token = f"{rng.getrandbits(48):x}".encode()
    return data.replace(b"z9hG4bKfuzz", b"z9hG4bK" + token).replace(b"fuzz@", token + b"@")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(1, len(data))]


def duplicate_header(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    index = rng.randrange(len(lines))
    lines.insert(index, lines[index])
    return b"\r\n".join(lines)


def bad_content_length(rng: random.Random, data: bytes) -> bytes:
    value = rng.choice([b"-1", b"99999", b"abc", b"", b"0", b"4294967296", b"12 34"])
    lines = [b"Content-Length: " + value if line.startswith(b"Content-Length:") else line
             for line in _lines(data)]
    return b"\r\n".join(lines)


def binary_junk(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randrange(1, 64)) + data[at:]


def huge_header(rng: random.Random, data: bytes) -> bytes:
    name = rng.choice([b"Via", b"Record-Route", b"X-Junk", b"To", b"Contact", b"Subject"])
    value = rng.choice([b"a", b",", b"<", b'"', b";"]) * rng.choice([1000, 20_000, 70_000])
    return data.replace(b"\r\n", b"\r\n" + name + b": " + value + b"\r\n", 1)


def wrong_cseq(rng: random.Random, data: bytes) -> bytes:
    value = rng.choice([b"0 INVITE", b"1 BYE", b"99999999999 INVITE", b"x INVITE", b"2",
                        b"4294967295 OPTIONS", b"1 FOO"])
    lines = [b"CSeq: " + value if line.startswith(b"CSeq:") else line for line in _lines(data)]
    return b"\r\n".join(lines)


def unknown_method(rng: random.Random, data: bytes) -> bytes:
    method = rng.choice([b"SUBSCRIBE", b"REFER", b"MESSAGE", b"NOTIFY", b"PUBLISH", b"XYZZY"])
    first, _, rest = data.partition(b" ")
    if first.startswith(b"SIP/"):
        return data
    return (method + b" " + rest).replace(b" " + first + b"\r\n", b" " + method + b"\r\n")


def mangle_address(rng: random.Random, data: bytes) -> bytes:
    victim = rng.choice([b"<sip:2101@", b"sip:7001@", b"Contact: <sip:", b";lr>", b"@127.0.0.1:"])
    junk = rng.choice([b"<", b">", b"", b"sip:", b"mailto:x@", b"[::1", b":99999", b"\"", b";"])
    return data.replace(victim, junk, 1)


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    truncate, duplicate_header, bad_content_length, binary_junk, huge_header, wrong_cseq,
    unknown_method, mangle_address]


def storm(rng: random.Random, messages: list[bytes]) -> Iterator[bytes]:
    """DATAGRAMS mutated messages: one to three mutations each, a few left intact."""
    for _ in range(DATAGRAMS):
        data = fresh_ids(rng, rng.choice(messages))
        for mutation in rng.sample(MUTATIONS, rng.choice([0, 1, 1, 1, 2, 3])):
            data = mutation(rng, data)
        yield data[:65_000] or b"\r\n"


def leftovers(pool: LinePool) -> dict[str, int]:
    """What the storm could have left behind: transactions, dialogs, calls, media."""
    agent = pool.lines[0].agent
    return {"server transactions": len(agent._servers),
            "client transactions": len(agent._clients),
            "accepted invites": len(agent._accepted), "calls": len(pool._calls),
            "call tasks": len(pool._tasks),
            "media streams ticking": len(pool._media_clock._subscribers)}


async def hang_up_soon(call: Call, caller: CallerId) -> None:
    """A room-phone service that listens for a moment and hangs up."""
    await call.read_digit(0.05)


async def test_a_storm_of_mutated_datagrams_leaves_the_line_registered_and_nothing_behind(
        kamailio: Kamailio, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # RFC 3261's 32 s transaction timeouts scaled down, so the storm drains within the test.
    monkeypatch.setattr(transaction, "TIMEOUT", 1.0)
    monkeypatch.setattr(sip_call, "BYE_WAIT_SECONDS", 1.5)
    loop = asyncio.get_running_loop()
    escaped: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: escaped.append(context))
    registry = CollectorRegistry()
    pool = make_pool(kamailio, first_line=1077, inbound=hang_up_soon, registry=registry)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        line = pool.lines[0]
        target = line.agent.flow.local_address
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as proxy_side, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
            proxy_side.bind((kamailio.host, 0))
            stranger.bind((STRANGER, 0))
            for sock in (proxy_side, stranger):
                sock.setblocking(False)
            rng = random.Random(SEED)
            messages = base_messages(line.user, target, proxy_side.getsockname())
            with caplog.at_level(logging.ERROR, "connector"):
                for count, data in enumerate(storm(rng, messages), 1):
                    sender = stranger if rng.random() < 0.1 else proxy_side
                    with contextlib.suppress(BlockingIOError):  # a full buffer drops it
                        sender.sendto(data, target)
                    if count % BATCH == 0:
                        await asyncio.sleep(PAUSE_SECONDS)
                        assert line.registered, f"line lost its registration after {count}"

                await until(lambda: not any(leftovers(pool).values()), within=20)
            assert await line.register(60) is not None  # the registrar still hears us
            gc.collect()
            await asyncio.sleep(0.1)
    finally:
        await pool.stop()
        loop.set_exception_handler(None)

    assert escaped == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The storm was hostile, and reached past the gate: calls were answered and refused.
    assert (registry.get_sample_value("connector_sip_malformed_dropped_total") or 0) > 1000
    # Calls were answered and, never ACKed by the storm, each ended with a BYE of ours.
    unacked = registry.get_sample_value(
        "connector_sip_calls_total", {"direction": "inbound", "outcome": "failed"}) or 0
    byes = registry.get_sample_value("connector_sip_messages_sent_total", {"kind": "BYE"}) or 0
    assert unacked > 10
    assert byes >= unacked
    assert (registry.get_sample_value(
        "connector_sip_refused_total", {"reason": "untrusted_source"}) or 0) > 100
