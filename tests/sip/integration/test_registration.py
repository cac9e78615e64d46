"""Lines registering to the test "Zoom": refresh, unregister, reconnect after a TLS drop,
failover, certificate checks."""

from __future__ import annotations

import asyncio
import socket

from tests.sip.integration.pools import make_pool
from tests.sip.peers.kamailio import Kamailio


async def test_lines_register_through_401_and_unregister_on_stop(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio, lines=3, first_line=1081)
    await pool.start()
    try:
        assert await pool.wait_ready(3, within=5)
        assert pool.lines_total == pool.lines_ready == 3
        registered = await asyncio.to_thread(kamailio.registrations)
        assert {"1081", "1082", "1083"} <= set(registered)
    finally:
        await pool.stop()
    registered = await asyncio.to_thread(kamailio.registrations)
    assert not {"1081", "1082", "1083"} & set(registered)
    assert pool.lines_ready == 0


async def test_short_registration_is_refreshed_before_it_lapses(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio, first_line=1084, expires=5)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        # Refreshed at 80 % of 5 s: two more authenticated REGISTERs within 9 s, and the
        # binding never lapses meanwhile.
        for _ in range(9):
            await asyncio.sleep(1)
            assert (await asyncio.to_thread(kamailio.registrations)).get("1084")
        # Each registration is a REGISTER challenged with 401 and one with credentials.
        assert kamailio.count("REGISTER", "1084") >= 6
    finally:
        await pool.stop()


async def test_dropped_tls_connection_reconnects_and_registers_again(kamailio: Kamailio) -> None:
    pool = make_pool(kamailio, transport="tls", first_line=1086)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=5)
        before = await kamailio.wait_registered_async("1086")
        flow = pool.lines[0].agent.flow
        flow.drop()
        await asyncio.sleep(0.2)
        assert await pool.wait_ready(1, within=5)
        for _ in range(20):
            after = await kamailio.wait_registered_async("1086")
            if set(after) - set(before):
                break
            await asyncio.sleep(0.1)
        assert set(after) - set(before), "no binding for the new connection"
    finally:
        await pool.stop()


async def test_unreachable_primary_proxy_fails_over_to_the_secondary(kamailio: Kamailio) -> None:
    with socket.socket() as closed_port:
        closed_port.bind((kamailio.host, 0))
        dead = f"{kamailio.host}:{closed_port.getsockname()[1]}"
    pool = make_pool(kamailio, transport="tls", first_line=1087, primary_proxy=dead)
    await pool.start()
    try:
        assert await pool.wait_ready(1, within=8)
        assert pool.lines[0].agent.flow.proxy.port == kamailio.tls_port
    finally:
        await pool.stop()


async def test_proxy_certificate_from_an_untrusted_ca_is_refused(kamailio: Kamailio) -> None:
    # Without the test CA only the system's CAs are trusted, and they do not know Kamailio's.
    pool = make_pool(kamailio, transport="tls", first_line=1088, trust_test_ca=False)
    await pool.start()
    try:
        assert not await pool.wait_ready(1, within=1.5)
    finally:
        await pool.stop()
