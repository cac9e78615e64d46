"""Consoles for bench/console.py: N signed-in desk screens in one process, each doing what
the browser's static/live.js does, over real HTTP.

    python bench/console_clients.py URL CONSOLES NAME PASSWORD

Each console signs in, opens `/console/events` and, for every `room` event (the rooms
changed in the last 250 ms), fetches their cells in one request
(`/console/rooms/cells?room=..&room=..`) without waiting for the previous ones, at most
BROWSER_FETCHES at a time (a browser's connections per host over HTTP/1.1, less the event
stream's); on `reload` (it fell behind) it fetches the whole
grid and opens the stream again, as a reloaded page does. It prints one JSON line per thing
that happened, with `time.monotonic()` (one clock for every process on Linux), and ends when
the connector says `closing` or stdin closes:

    {"console": 3, "open": t}                                   stream (re)opened
    {"console": 3, "room": "1207", "received": t, "shown": t}   named, cell fetched (per room)
    {"console": 3, "reload": t, "grid": seconds}                fell behind, page rebuilt
    {"console": 3, "failed": "1207", "error": "ReadError"}      the cells' fetch failed (per room)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time

import httpx

BROWSER_FETCHES = 5  # Chromium opens 6 connections per host; the event stream holds one


def say(**line: object) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def sign_in(http: httpx.AsyncClient, name: str, password: str) -> None:
    form = await http.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit(f"no sign-in form at {http.base_url}: {form.status_code}")
    answer = await http.post("/console/sign-in", data={
        "csrf_token": token.group(1), "name": name, "password": password,
        "next": "/console/rooms"})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in refused: {answer.status_code}")


async def console(number: int, url: str, name: str, password: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 limits=httpx.Limits(max_connections=BROWSER_FETCHES + 1)) as http:
        await sign_in(http, name, password)
        while True:
            reloaded = await follow(number, http)
            if not reloaded:
                return
            started = time.monotonic()
            await http.get("/console/rooms")
            say(console=number, reload=started, grid=time.monotonic() - started)


async def show_cells(number: int, http: httpx.AsyncClient, rooms: list[str], received: float,
                     connections: asyncio.Semaphore) -> None:
    try:
        async with connections:
            answer = await http.get("/console/rooms/cells", params={"room": rooms})
            answer.raise_for_status()
    except httpx.HTTPError as error:  # the cells stay as they were, as in a browser
        for room in rooms:
            say(console=number, failed=room, error=type(error).__name__)
        return
    shown = time.monotonic()
    for room in rooms:
        say(console=number, room=room, received=received, shown=shown)


async def follow(number: int, http: httpx.AsyncClient) -> bool:
    """Read the event stream; True when told to reload, False when it ended."""
    connections = asyncio.Semaphore(BROWSER_FETCHES)
    fetching: set[asyncio.Task[None]] = set()
    try:
        async with http.stream("GET", "/console/events",
                               headers={"Accept": "text/event-stream"}) as stream:
            say(console=number, open=time.monotonic())
            event = ""
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "room":
                    fetch = asyncio.create_task(show_cells(
                        number, http, line[5:].split(), time.monotonic(), connections))
                    fetching.add(fetch)
                    fetch.add_done_callback(fetching.discard)
                elif line.startswith("data:") and event == "reload":
                    return True
                elif line == "":
                    event = ""
        return False
    finally:
        # A reloaded page drops its pending fetches, as a browser does.
        for fetch in fetching:
            fetch.cancel()


async def main(url: str, consoles: int, name: str, password: str) -> None:
    everyone = asyncio.gather(*(console(i, url, name, password) for i in range(consoles)))
    stdin_closed = asyncio.create_task(asyncio.to_thread(sys.stdin.read))
    await asyncio.wait([stdin_closed, everyone], return_when=asyncio.FIRST_COMPLETED)
    everyone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await everyone


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]))
