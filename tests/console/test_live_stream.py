"""`/console/events` over a real socket: what a console hears, and that the stream ends when
the connector shuts down (an open console must not hold `connector serve`'s shutdown)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.console.desk import open_desk
from tests.console.test_over_http import sign_in
from tests.web.pms import batch, check_in


async def test_a_console_hears_a_check_in_and_the_stream_ends_at_shutdown(
        tmp_path: Path) -> None:
    async with open_desk(tmp_path) as desk, httpx.AsyncClient(base_url=desk.url) as http:
        await sign_in(http)
        async with http.stream("GET", "/console/events") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            await desk.hotel.send(batch(check_in("101", first="Ada", last="Lovelace")))
            heard = []
            while "data: 101" not in heard:
                heard.append(await asyncio.wait_for(anext(lines), 5))
            assert "event: room" in heard
            assert not any("Ada" in line for line in heard)  # names only over the pages

            desk.hotel.connector.store.notices.close()
            rest = await asyncio.wait_for(_rest(lines), 5)  # it ends, rather than hangs
            assert not any(line.startswith("event: room") for line in rest)


async def _rest(lines: AsyncIterator[str]) -> list[str]:
    return [line async for line in lines]
