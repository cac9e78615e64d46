"""Leader election of the account worker through Redis (docs/account-worker.md).

A worker becomes leader with one atomic script: the leader key is free, so the epoch counter
is `INCR`ed and the key `SET NX PX <lease>` to `<holder>|<epoch>`. Renewal and release are
compare-and-set on that value. The leader measures its lease on its own **monotonic** clock,
from the moment it *sent* the acquire or the renewal (not from Redis's answer, which may come
late, and not on the wall clock, which may jump), minus a safety margin; before every outside
effect it calls `Leadership.check()`. A renewal that fails or cannot reach Redis ends the
leadership at once: no renewal, no leadership.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connector.account import scripts
from connector.clock import Clock

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("connector.account.election")


class LeadershipLost(Exception):
    """The leader's own deadline passed, or Redis says someone else leads: stop acting."""


class StoreUnreachable(Exception):
    """Redis did not answer (in time)."""


async def call_script(script: Any, keys: list[str], args: list[str | int],
                      seconds: float) -> Any:
    """Run a registered script within `seconds`; StoreUnreachable on any Redis trouble."""
    try:
        return await asyncio.wait_for(script(keys=keys, args=args), seconds)
    except (TimeoutError, OSError) as error:
        raise StoreUnreachable(str(error) or type(error).__name__) from None
    except Exception as error:
        # redis.exceptions.* (imported lazily: a single hotel never loads the client).
        if type(error).__module__.startswith("redis"):
            raise StoreUnreachable(str(error) or type(error).__name__) from None
        raise


@dataclass
class Leadership:
    """This process leads the account until `deadline` on `clock.monotonic()`."""

    holder: str
    epoch: int
    deadline: float
    clock: Clock = field(repr=False)

    @property
    def token(self) -> str:
        return f"{self.holder}|{self.epoch}"

    def alive(self) -> bool:
        return self.clock.monotonic() < self.deadline

    def check(self) -> None:
        """Raise `LeadershipLost` once the deadline has passed; call before every outside
        effect (a Zoom call, a delivery to a hotel)."""
        if not self.alive():
            raise LeadershipLost(f"epoch {self.epoch}: the lease's deadline has passed")

    def step_down(self) -> None:
        self.deadline = float("-inf")


class Election:
    """One account's election; `holder` names this process (unique per process)."""

    def __init__(self, redis: Redis, *, account: str, holder: str, lease_seconds: float,
                 margin_seconds: float, clock: Clock, timeout: float) -> None:
        self._redis = redis
        prefix = "{zhc:" + account + "}"
        self.leader_key = f"{prefix}:account:leader"
        self.epoch_key = f"{prefix}:account:epoch"
        self.holder = holder
        self.lease_seconds = lease_seconds
        self.margin_seconds = margin_seconds
        self._clock = clock
        self._timeout = timeout
        self._scripts: dict[str, Any] = {
            name: redis.register_script(text) for name, text in (
                ("acquire", scripts.ACQUIRE), ("renew", scripts.RENEW),
                ("release", scripts.RELEASE))}

    @property
    def _lease_ms(self) -> int:
        return int(self.lease_seconds * 1000)

    async def _run(self, name: str, keys: list[str], args: list[str | int]) -> Any:
        return await call_script(self._scripts[name], keys, args, self._timeout)

    async def acquire(self) -> Leadership | None:
        """Leadership with a new epoch, or None while another holds it (or Redis is away)."""
        sent = self._clock.monotonic()
        try:
            epoch = int(await self._run("acquire", [self.leader_key, self.epoch_key],
                                        [self.holder, self._lease_ms]))
        except StoreUnreachable as error:
            log.warning("the account worker's Redis cannot be reached: not leading",
                        extra={"error": str(error)})
            return None
        if epoch < 0:
            return None
        log.info("leading the account's work", extra={"epoch": epoch})
        return Leadership(self.holder, epoch, self._deadline(sent), self._clock)

    async def renew(self, lead: Leadership) -> bool:
        """Extend the lease; False (and stepped down) when it is lost or Redis is away."""
        sent = self._clock.monotonic()
        try:
            renewed = int(await self._run("renew", [self.leader_key],
                                          [lead.token, self._lease_ms])) == 1
        except StoreUnreachable as error:
            log.warning("the lease could not be renewed (Redis away): stepping down",
                        extra={"epoch": lead.epoch, "error": str(error)})
            lead.step_down()
            return False
        if not renewed:
            log.warning("another worker leads now: stepping down", extra={"epoch": lead.epoch})
            lead.step_down()
            return False
        # Never later than what this renewal proves; a late answer cannot lengthen it.
        lead.deadline = max(lead.deadline, self._deadline(sent)) if lead.alive() else (
            float("-inf"))
        return lead.alive()

    async def release(self, lead: Leadership) -> None:
        """Hand the lease back (best effort: it expires by itself otherwise)."""
        lead.step_down()
        with contextlib.suppress(StoreUnreachable):
            await self._run("release", [self.leader_key], [lead.token])

    def _deadline(self, sent: float) -> float:
        return sent + self.lease_seconds - self.margin_seconds
