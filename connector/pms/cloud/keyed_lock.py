"""One lock per key (a reservation), held only while someone needs it.

The cloud door reads several notices back at once; an adapter that keeps state between the
notices of one reservation (Cloudbeds' rooms each stay was last known in) takes the
reservation's lock around its read and its update, so two notices of one reservation are
hydrated one after the other, in the order they were started (asyncio's locks are fair).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class KeyedLock:
    """`async with locks.holding(key):`; a key's lock is forgotten once nobody holds or
    waits for it, so the table stays as small as the notices under way."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def holding(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
