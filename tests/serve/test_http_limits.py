"""Slow and greedy HTTP clients against `connector serve`'s web door, over real sockets: a
slowloris is cut off within the timeout while /healthz keeps answering."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from connector.serve.http_limits import uvicorn_config
from connector.settings.model import ServerSettings
from tests.web.pms import Hotel, open_hotel

LIMITS = ServerSettings(host="127.0.0.1", port=0, header_timeout_seconds=0.5,
                        body_timeout_seconds=0.5, keep_alive_seconds=5, max_concurrency=50,
                        max_requests_per_connection=3)


@dataclass
class Served:
    hotel: Hotel
    port: int


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with open_hotel(tmp_path) as hotel:
        server = uvicorn.Server(uvicorn_config(hotel.app, LIMITS))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "uvicorn did not start"
            await asyncio.sleep(0.01)
        try:
            yield Served(hotel, server.servers[0].sockets[0].getsockname()[1])
        finally:
            server.should_exit = True
            await serving


async def _closed_after(reader: asyncio.StreamReader) -> tuple[float, bytes]:
    """Seconds until the connector closes the connection, and what it said first."""
    started = time.monotonic()
    answer = await asyncio.wait_for(reader.read(), 5)
    return time.monotonic() - started, answer


async def _healthz(port: int) -> int:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        return (await http.get("/healthz")).status_code


async def test_headers_sent_byte_by_byte_are_cut_off_while_healthz_answers(
    served: Served,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    head = b"POST /v1/pms/events HTTP/1.1\r\nHost: connector\r\nX-Slow: "

    async def trickle() -> None:
        for byte in head + b"a" * 100:
            if writer.is_closing():
                return
            writer.write(bytes([byte]))
            await asyncio.sleep(0.05)

    trickling = asyncio.create_task(trickle())
    health = await _healthz(served.port)
    took, answer = await _closed_after(reader)
    trickling.cancel()
    writer.close()

    assert health == 200
    assert took < 0.5 + 1.0
    assert answer.startswith(b"HTTP/1.1 408")


async def test_a_body_shorter_than_its_length_is_cut_off_and_nothing_is_stored(
    served: Served,
) -> None:
    hotel = served.hotel
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write((f"POST /v1/pms/events HTTP/1.1\r\nHost: connector\r\n"
                  f"Content-Type: application/json\r\nContent-Length: 500\r\n"
                  f"X-Connector-Timestamp: {hotel.now}\r\n"
                  f"X-Connector-Signature: v1={'0' * 64}\r\n\r\n" + '{"type": "dnd"').encode())
    await writer.drain()

    health = await _healthz(served.port)
    took, _ = await _closed_after(reader)
    writer.close()

    assert health == 200
    assert took < 0.5 + 1.0
    assert hotel.stored() == 0


async def test_a_connection_that_never_speaks_is_closed(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)

    took, _ = await _closed_after(reader)
    writer.close()

    assert took < 0.5 + 1.0


async def test_a_connection_carries_at_most_the_request_limit(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    request = b"GET /healthz HTTP/1.1\r\nHost: connector\r\n\r\n"
    writer.write(request * 3)
    await writer.drain()

    _, answers = await _closed_after(reader)
    writer.close()

    assert answers.count(b"HTTP/1.1 200") == 3
    assert answers.lower().count(b"connection: close") == 1


async def test_a_prompt_client_keeps_its_connection_across_requests(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    request = b"GET /healthz HTTP/1.1\r\nHost: connector\r\n\r\n"

    writer.write(request)
    first = await asyncio.wait_for(reader.readuntil(b'"ok"}'), 5)
    await asyncio.sleep(0.8)  # longer than the header timeout: idle between requests is not slow
    writer.write(request)
    second = await asyncio.wait_for(reader.readuntil(b'"ok"}'), 5)
    writer.close()

    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200")
