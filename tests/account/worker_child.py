"""An account worker in a child process, killed -9 by the test at a chosen effect.

    python -m tests.account.worker_child REDIS_URL LEDGER STOP_AT

It leads, lists and delivers; at the effect named STOP_AT it prints `AT <effect>` and waits
forever (the parent kills it there)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.account.workers import FakeZoomAccount, build_worker


async def main(url: str, ledger: Path, stop_at: str) -> None:
    async def pause(effect: str) -> None:
        if effect == stop_at:
            print(f"AT {effect}", flush=True)
            await asyncio.Event().wait()

    worker, _, _ = build_worker(url, ledger, "worker-child", zoom=FakeZoomAccount(),
                                pause=pause)
    await worker.run_forever(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
