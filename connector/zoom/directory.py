"""The extension directory: which Zoom user or common area owns each extension.

Built at start-up and refreshed on the configured interval with the fewest list calls
(largest pages): users, phone users, common areas and assigned devices, about one call per
300 extensions, the four listings side by side within the rate limits. Entries expire if
refreshes keep failing, so stale ids are not used forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from cachetools import TTLCache

from connector.clock import Clock, nap
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Feature
from connector.zoom.directory_rows import DeviceRef, ExtensionOwner, Listings
from connector.zoom.errors import ZoomError
from connector.zoom.work_class import background_work

__all__ = ["DeviceRef", "Directory", "DirectoryStats", "ExtensionOwner"]

log = logging.getLogger("connector.zoom.directory")

Item = TypeVar("Item")

# A missed lookup forces a refresh, but not more often than this (a typo'd extension in the
# room map must not turn into a listing storm).
MIN_SECONDS_BETWEEN_MISS_REFRESHES = 60.0


@dataclass(frozen=True)
class DirectoryStats:
    users: int
    common_areas: int
    devices: int
    calls: int


class Directory:
    """Extension → owner, with lookups by room through the room map."""

    def __init__(
        self,
        api: ZoomApi,
        clock: Clock,
        *,
        rooms: Mapping[str, str] | None = None,
        refresh_minutes: float = 480,
        maxsize: int = 100_000,
    ) -> None:
        self._api = api
        self._clock = clock
        self._rooms = dict(rooms or {})
        self.refresh_seconds = refresh_minutes * 60
        # Two intervals: one failed refresh keeps the old entries, a second lets them lapse.
        self._cache: TTLCache[str, ExtensionOwner] = TTLCache(
            maxsize=maxsize, ttl=2 * self.refresh_seconds, timer=clock.monotonic
        )
        self._lock = asyncio.Lock()
        # Zoom user id / email → extension, for webhooks that name the user, not the number.
        self._by_user: dict[str, str] = {}
        self.loaded_at: float | None = None
        self.last_stats: DirectoryStats | None = None

    @property
    def loaded(self) -> bool:
        return self.loaded_at is not None

    async def refresh(self) -> DirectoryStats:
        """Reload everything from Zoom in one pass."""
        async with self._lock:
            owners, stats = await self._load()
            self._cache.clear()
            self._by_user.clear()
            for owner in owners:
                self._cache[owner.extension] = owner
                self._by_user[owner.id] = owner.extension
                if owner.email:
                    self._by_user.setdefault(owner.email.lower(), owner.extension)
            self.loaded_at = self._clock.monotonic()
            self.last_stats = stats
        log.info(
            "extension directory loaded",
            extra={"users": stats.users, "common_areas": stats.common_areas,
                   "devices": stats.devices, "zoom_calls": stats.calls},
        )
        return stats

    def by_extension(self, extension: str) -> ExtensionOwner | None:
        return self._cache.get(str(extension))

    def by_user(self, user_id: str, email: str | None = None) -> ExtensionOwner | None:
        """The owner with this Zoom id (else this email), as a webhook names a user."""
        extension = self._by_user.get(user_id) or (
            self._by_user.get(email.lower()) if email else None)
        return None if extension is None else self.by_extension(extension)

    def by_room(self, room: str) -> ExtensionOwner | None:
        extension = self._rooms.get(room)
        return None if extension is None else self.by_extension(extension)

    async def find_room(self, room: str) -> ExtensionOwner | None:
        """Like `by_room`, but a miss reloads the directory (an extension created since)."""
        owner = self.by_room(room)
        if owner is not None or room not in self._rooms:
            return owner
        since = None if self.loaded_at is None else self._clock.monotonic() - self.loaded_at
        if since is None or since >= MIN_SECONDS_BETWEEN_MISS_REFRESHES:
            await self.refresh()
        return self.by_room(room)

    def owners(self) -> list[ExtensionOwner]:
        return sorted(self._cache.values(), key=lambda o: (len(o.extension), o.extension))

    def room_matches(self) -> tuple[dict[str, ExtensionOwner], list[str]]:
        """Rooms of the map that have a Zoom owner, and those that have none."""
        matched: dict[str, ExtensionOwner] = {}
        unmatched: list[str] = []
        for room in self._rooms:
            owner = self.by_room(room)
            if owner is None:
                unmatched.append(room)
            else:
                matched[room] = owner
        return matched, unmatched

    def rule_breakers(self, rooms_only: bool = True) -> list[ExtensionOwner]:
        """Owners whose shown name does not contain their extension."""
        extensions = set(self._rooms.values()) if rooms_only and self._rooms else None
        return [
            owner for owner in self.owners()
            if not owner.name_has_extension
            and (extensions is None or owner.extension in extensions)
        ]

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh on the interval until `stop` is set; a failed refresh is retried next
        time round, and the old entries serve until then."""
        while not stop.is_set():
            await nap(self._clock, self.refresh_seconds, stop)
            if stop.is_set():
                return
            try:
                # A sweep: guests' own changes go first on a shared limiter.
                with background_work():
                    await self.refresh()
            except ZoomError as error:
                log.warning("directory refresh failed; keeping the last one: %s", error)

    async def _load(self) -> tuple[list[ExtensionOwner], DirectoryStats]:
        api = self._api
        scopes = api.client.scopes
        with_common_areas = scopes is None or scopes.enabled(Feature.COMMON_AREAS)
        requests_before = _request_count(api)
        listings = Listings()
        # The four listings page one after another within themselves, so run them side by
        # side: each waits only on its own category's limiter, and start-up takes the
        # longest listing's time rather than the sum of all four. Each item is folded into
        # the directory's rows as its page arrives: no listing is ever held whole.
        folds = [
            asyncio.ensure_future(_fold(api.iter_users(), listings.add_user)),
            asyncio.ensure_future(_fold(api.iter_phone_users(), listings.add_phone_user)),
            asyncio.ensure_future(_fold(api.iter_devices(assigned=True), listings.add_device)),
        ]
        if with_common_areas:  # else the scope for them was not granted
            folds.append(asyncio.ensure_future(
                _fold(api.iter_common_areas(), listings.add_common_area)))
        try:
            await asyncio.gather(*folds)
        except BaseException:
            for fold in folds:
                fold.cancel()  # one failed: the others' calls would be wasted
            raise
        owners = listings.owners()
        stats = DirectoryStats(
            users=sum(1 for o in owners if o.kind == "user"),
            common_areas=sum(1 for o in owners if o.kind == "common_area"),
            devices=listings.devices,
            calls=_request_count(api) - requests_before,
        )
        return owners, stats


async def _fold(items: AsyncIterator[Item], add: Callable[[Item], None]) -> None:
    async for item in items:
        add(item)


def _request_count(api: ZoomApi) -> int:
    total = 0.0
    for metric in api.client.metrics.requests.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                total += sample.value
    return int(total)
