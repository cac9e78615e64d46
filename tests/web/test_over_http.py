"""The webhook over a real socket: uvicorn on loopback, as `connector serve` runs it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from tests.web.pms import JSON, Hotel, batch, check_in, dnd, encode


@pytest.fixture
async def served(hotel: Hotel) -> AsyncIterator[httpx.AsyncClient]:
    """The hotel's app on 127.0.0.1, an ephemeral port; a client pointed at it."""
    server = uvicorn.Server(uvicorn.Config(hotel.app, host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            yield http
    finally:
        server.should_exit = True
        await serving


async def test_a_signed_batch_is_acknowledged_over_http(
    hotel: Hotel, served: httpx.AsyncClient
) -> None:
    body = encode(batch(check_in("101", event_id="a"), dnd("101", event_id="b")))

    response = await served.post("/v1/pms/events", content=body,
                                 headers={**JSON, **hotel.signed(body)})
    status = await served.get("/v1/events/a", headers=hotel.signed(b""))

    assert response.status_code == 202
    assert [e["status"] for e in response.json()["events"]] == ["stored", "stored"]
    assert status.json()["state"] == "received"
    assert hotel.stored() == 2


async def test_a_chunked_body_over_the_limit_is_cut_off_at_the_limit(
    hotel: Hotel, served: httpx.AsyncClient
) -> None:
    limit = hotel.settings.webhook.max_body_bytes
    body = encode(check_in("101")) + b" " * limit

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16 * 1024):
            yield body[start:start + 16 * 1024]

    response = await served.post("/v1/pms/events", content=chunks(),
                                 headers={**JSON, **hotel.signed(body)})

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert (response.status_code, response.json()["error"]["code"]) == (413, "body_too_large")
    assert hotel.stored() == 0


async def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    hotel: Hotel, served: httpx.AsyncClient
) -> None:
    """Only the headers go out; the answer comes without the connector reading a body."""
    port = int(str(served.base_url).rsplit(":", 1)[1].rstrip("/"))
    limit = hotel.settings.webhook.max_body_bytes
    head = (f"POST /v1/pms/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {limit * 50}\r\n"
            f"X-Connector-Timestamp: {hotel.now}\r\n"
            f"X-Connector-Signature: v1={'0' * 64}\r\n\r\n").encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), timeout=5)
    finally:
        writer.close()

    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"body_too_large"' in answer
    assert hotel.stored() == 0
