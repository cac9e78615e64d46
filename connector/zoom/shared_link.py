"""The limiter's link to Redis: scripts run within a timeout, and the mode (shared or local).

Any error or a slow answer switches the whole process to its local share at once (Redis is one
server: when one category cannot reach it, none can); a heartbeat keeps the process counted as
live while shared, and probes every few seconds while local to come back by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge

from connector.clock import Clock
from connector.zoom import shared_scripts

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("connector.zoom.shared_limiter")

Arg = str | int | float
# Scripts in flight at once per process (each holds a connection for one round trip); the pool
# has room for these, the heartbeat and a probe.
CONNECTIONS = 16


class SharedUnavailable(Exception):
    """Redis did not answer in time (or at all): pace locally."""


class SharedLimiterMetrics:
    """The shared limiter's mode and its fallbacks (exposed by the web app's /metrics)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        reg = registry if registry is not None else REGISTRY
        self.mode = Gauge(
            "connector_zoom_shared_limiter_mode",
            "1 while the Zoom limiter is shared through Redis, 0 while it paces at its local "
            "1/N share.", registry=reg)
        self.fallbacks = Counter(
            "connector_zoom_shared_limiter_fallbacks",
            "Times the Zoom limiter fell back from Redis to its local share.", registry=reg)


class SharedLink:
    """One process's connection to the limiter's Redis, with its mode."""

    def __init__(
        self,
        redis: Redis,
        *,
        account: str,
        process: str,
        clock: Clock,
        timeout: float,
        member_ttl: float,
        probe_every: float,
        metrics: SharedLimiterMetrics,
    ) -> None:
        self._redis = redis
        self.process = process
        self.prefix = "{zhc:" + account + "}"
        self._clock = clock
        self._timeout = timeout
        self.member_ttl = member_ttl
        self._probe_every = probe_every
        self._metrics = metrics
        self._shas: dict[str, str] = {}
        self._connections = asyncio.Semaphore(CONNECTIONS)
        self.shared = True
        # Local mode starts after the process's last shared slot has aged out of every window
        # (set by the limiter); shared mode again only after its last local send has.
        self.switched_at = clock.monotonic()
        self.changed = asyncio.Event()
        self._heartbeat: asyncio.Task[None] | None = None
        # True while local sends stop before rejoining; how long that takes is the limiter's.
        self.quiet = False
        self.rejoin_hold: Callable[[], float] = lambda: 1.0
        metrics.mode.set(1)

    @property
    def members_key(self) -> str:
        return f"{self.prefix}:live"

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def run(self, script: str, keys: Sequence[str], args: Sequence[Arg]) -> Any:
        """Run one script within the timeout; on any failure switch to local and raise."""
        if not self.shared:
            raise SharedUnavailable("local mode")
        try:
            # Waiting for a connection of our own is not Redis being slow: not timed.
            async with self._connections:
                return await asyncio.wait_for(self._eval(script, keys, args), self._timeout)
        except Exception as error:  # never fail open: any trouble means local
            self.fall_back(error)
            raise SharedUnavailable(type(error).__name__) from None

    async def _eval(self, script: str, keys: Sequence[str], args: Sequence[Arg]) -> Any:
        from redis.exceptions import NoScriptError

        sha = self._shas.get(script) or hashlib.sha1(script.encode()).hexdigest()  # noqa: S324
        self._shas[script] = sha
        try:
            return await self._redis.evalsha(sha, len(keys), *keys, *args)
        except NoScriptError:
            # A restarted (or flushed) server lost its script cache: send the text once.
            return await self._redis.eval(script, len(keys), *keys, *args)

    def fall_back(self, error: BaseException) -> None:
        """Switch to local pacing (once; logged once per change)."""
        if not self.shared:
            return
        self.shared = False
        self.switched_at = self._clock.monotonic()
        self._metrics.mode.set(0)
        self._metrics.fallbacks.inc()
        log.warning("The shared Zoom limiter cannot reach Redis (%s); pacing at this "
                    "connector's local share until it answers again", type(error).__name__)
        self._notify()

    def back_to_shared(self) -> None:
        """Count as live again and pace through Redis."""
        self.shared = True
        self.switched_at = self._clock.monotonic()
        self._metrics.mode.set(1)
        log.warning("The shared Zoom limiter reaches Redis again; pacing shared")
        self._notify()

    def _notify(self) -> None:
        """Wake whoever waits for a change of mode."""
        self.changed.set()
        self.changed = asyncio.Event()

    def start(self) -> None:
        """Start the heartbeat (and probe) once, from inside the event loop."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            if self.shared:
                with contextlib.suppress(SharedUnavailable):
                    await self.run(shared_scripts.HEARTBEAT, [self.members_key],
                                   [self.process, self.member_ttl])
                await self._clock.sleep(self.member_ttl / 3)
                continue
            await self._clock.sleep(self._probe_every)
            if not await self._probe():
                continue
            # Redis answers. Stop sending locally until every local send has aged out of its
            # window; only then count again among the live processes (no window holds both).
            self.quiet = True
            try:
                await self._clock.sleep(self.rejoin_hold())
                if await self._probe():
                    self.back_to_shared()
            finally:
                self.quiet = False
                self._notify()  # callers held by the quiet go on, shared or local

    async def _probe(self) -> bool:
        try:
            await asyncio.wait_for(self._eval(shared_scripts.PROBE, [], []), self._timeout)
        except Exception:  # still down
            return False
        return True

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        with contextlib.suppress(Exception):
            await self._redis.aclose()
