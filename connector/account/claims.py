"""Non-idempotent jobs claimed with the leader's epoch by compare-and-set in Redis.

`job:<name>:<key>` holds the epoch that claimed it and its state; a claim with a lower epoch
than stored loses, a done job is never claimed again. Inside a job, each step (a delivery to
one hotel) is recorded under the claim when it is done, so a newer leader resuming a job
killed midway skips the steps already done. A step whose record was lost with its leader (a
kill between the hotel's 2xx and the record) is delivered once more: the hotel keeps what it
receives by row id (a Zoom call id, a voicemail id, a listing's day), so it takes it once.

A Redis restarted empty forgets claims and epochs: a job of a day already done may be done
again (the hotel's dedup holds), and the first epoch after the restart is 1 again, but every
older leader's lease died with it too (its renewal fails and it steps down).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from connector.account import scripts
from connector.account.election import (
    Leadership,
    LeadershipLost,
    StoreUnreachable,
    call_script,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

# A claim is kept this long after its last change: longer than any job's retry.
KEEP_MS = 8 * 24 * 3600 * 1000


class Claims:
    """The job claims of one account."""

    def __init__(self, redis: Redis, *, account: str, timeout: float) -> None:
        self._prefix = "{zhc:" + account + "}"
        self._timeout = timeout
        self._scripts: dict[str, Any] = {
            name: redis.register_script(text) for name, text in (
                ("claim", scripts.CLAIM), ("step", scripts.STEP_DONE), ("steps", scripts.STEPS),
                ("finish", scripts.FINISH), ("cursor", scripts.SET_CURSOR))}
        self._redis = redis

    def job_key(self, name: str, key: str) -> str:
        return f"{self._prefix}:job:{name}:{key}"

    async def _run(self, name: str, keys: list[str], args: list[str | int]) -> Any:
        return await call_script(self._scripts[name], keys, args, self._timeout)

    async def claim(self, lead: Leadership, name: str, key: str) -> Claim | None:
        """The job claimed under `lead`'s epoch, or None when it is done (or a newer epoch
        holds it: then `lead` is stale and LeadershipLost is raised)."""
        job = self.job_key(name, key)
        won, detail = await self._run("claim", [job], [lead.epoch, KEEP_MS])
        if int(won) == 1:
            return Claim(self, lead, job)
        if _text(detail) == "stale":
            lead.step_down()
            raise LeadershipLost(f"epoch {lead.epoch}: a newer leader holds {name} {key}")
        return None

    async def cursor(self, name: str) -> str | None:
        """A job's stored cursor (its watermark), if any."""
        try:
            value = await asyncio.wait_for(
                self._redis.hget(f"{self._prefix}:cursor:{name}", "value"), self._timeout)
        except (TimeoutError, OSError) as error:
            raise StoreUnreachable(str(error) or type(error).__name__) from None
        return None if value is None else _text(value)

    async def set_cursor(self, lead: Leadership, name: str, value: str) -> None:
        """Move a job's cursor, unless a newer epoch moved it (then LeadershipLost)."""
        if int(await self._run("cursor", [f"{self._prefix}:cursor:{name}"],
                               [lead.epoch, value])) != 1:
            lead.step_down()
            raise LeadershipLost(f"epoch {lead.epoch}: a newer leader moved {name}'s cursor")


class Claim:
    """One job held under one epoch."""

    def __init__(self, claims: Claims, lead: Leadership, job: str) -> None:
        self._claims = claims
        self._lead = lead
        self.job = job

    async def steps_done(self) -> set[str]:
        found = await self._claims._run("steps", [self.job, f"{self.job}:steps"],
                                        [self._lead.epoch])
        if int(found[0]) != 1:
            self._lost()
        return {_text(step) for step in found[1]}

    async def step_done(self, step: str) -> None:
        if int(await self._claims._run("step", [self.job, f"{self.job}:steps"],
                                       [self._lead.epoch, step])) != 1:
            self._lost()

    async def finish(self, result: str) -> None:
        if int(await self._claims._run("finish", [self.job], [self._lead.epoch, result])) != 1:
            self._lost()

    def _lost(self) -> None:
        self._lead.step_down()
        raise LeadershipLost(f"epoch {self._lead.epoch}: a newer leader holds {self.job}")


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
