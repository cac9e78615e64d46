"""One connector process of a hotel group, for the tests: it calls Phone Light as fast as its
shared limiter lets it for a while, then prints when each call went (CLOCK_MONOTONIC, which
every process on the machine shares).

    python -m tests.shared_limiter.child URL HOTEL CONNECTORS SPEEDUP SECONDS
"""

from __future__ import annotations

import asyncio
import sys
import time

from tests.shared_limiter.hotels import Hotel


async def main(url: str, hotel_name: str, connectors: int, speedup: float,
               seconds: float) -> None:
    hotel = Hotel(hotel_name, url, connectors, speedup=speedup)
    stamps: list[float] = []
    until = time.monotonic() + seconds

    async def caller() -> None:
        while time.monotonic() < until:
            await hotel.light().acquire()
            stamps.append(time.monotonic())

    try:
        await asyncio.gather(*(caller() for _ in range(4)))
    finally:
        await hotel.close()
    print("\n".join(f"{stamp:.6f}" for stamp in stamps))


if __name__ == "__main__":
    url, name, connectors, speedup, seconds = sys.argv[1:6]
    asyncio.run(main(url, name, int(connectors), float(speedup), float(seconds)))
