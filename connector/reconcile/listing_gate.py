"""Deletes and the account's voicemail listing take turns.

Zoom pages `GET /phone/voice_mails` by position in a live list (newest first): a message
deleted between two pages moves every later one up a place, and the one that crosses the
page boundary is never listed. In a checkout rush one batch's deletes ran while the next
batch listed, so a message left before a stay survived (room 209, 2,000 rooms). A listing
therefore waits for deletes in flight and holds new ones back until its last page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ListingGate:
    """Listings go first: a waiting listing holds back deletes not yet started."""

    def __init__(self) -> None:
        self._listings = 0
        self._deletes = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def listing(self) -> AsyncIterator[None]:
        """Held while every page of one listing is fetched."""
        async with self._changed:
            self._listings += 1  # from now on, deletes not yet started wait
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: self._deletes == 0)
            yield
        finally:  # also when cancelled while waiting: deletes must not stay held back
            async with self._changed:
                self._listings -= 1
                self._changed.notify_all()

    @asynccontextmanager
    async def deleting(self) -> AsyncIterator[None]:
        """Held while one delete is sent and answered."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._listings == 0)
            self._deletes += 1
        try:
            yield
        finally:
            async with self._changed:
                self._deletes -= 1
                self._changed.notify_all()
