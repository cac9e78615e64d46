"""The account worker (`connector account-worker`): any number of replicas, one leads.

Each replica campaigns; the leader renews its lease every third of it in a task of its own
and runs the due jobs, each claimed under its epoch. A lost renewal, a passed deadline or a
newer epoch found on a claim ends the leadership: the replica goes back to campaigning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import httpx

from connector.account.claims import Claims
from connector.account.effects import Effects, PauseHook
from connector.account.election import Election, Leadership, LeadershipLost, StoreUnreachable
from connector.account.jobs import Job
from connector.clock import Clock, nap

log = logging.getLogger("connector.account.worker")

# A job whose hotels were not all served is tried again after this.
RETRY_SECONDS = 60.0
# Between two looks at the jobs while leading.
TICK_SECONDS = 1.0


class AccountWorker:
    """One replica of the account worker."""

    def __init__(self, election: Election, claims: Claims, jobs: Sequence[Job], *,
                 client: httpx.AsyncClient, feed_secret: str, clock: Clock,
                 pause: PauseHook | None = None, retry_seconds: float = RETRY_SECONDS,
                 tick_seconds: float = TICK_SECONDS) -> None:
        self._election = election
        self._claims = claims
        self._jobs = list(jobs)
        self._client = client
        self._secret = feed_secret
        self._clock = clock
        self._pause = pause
        self._retry = retry_seconds
        self._tick = tick_seconds
        self._retry_at: dict[tuple[str, str], float] = {}
        self.leading: Leadership | None = None

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Campaign, and lead while elected, until `stop` is set."""
        while not stop.is_set():
            lead = await self._election.acquire()
            if lead is None:
                await nap(self._clock, self._election.lease_seconds / 3, stop)
                continue
            await self.lead(lead, stop)

    async def lead(self, lead: Leadership, stop: asyncio.Event) -> None:
        """Run the jobs while `lead` lasts; release it when done."""
        self.leading = lead
        renewer = asyncio.create_task(self._renew(lead, stop), name="account_lease")
        try:
            while not stop.is_set() and lead.alive():
                await self._run_due(lead)
                await nap(self._clock, self._tick, stop)
        except LeadershipLost as lost:
            log.warning("no longer leading: nothing more is done", extra={"reason": str(lost)})
        except StoreUnreachable as error:
            log.warning("the worker's Redis cannot be reached: stepping down",
                        extra={"error": str(error)})
        finally:
            self.leading = None
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await self._election.release(lead)

    async def _renew(self, lead: Leadership, stop: asyncio.Event) -> None:
        while lead.alive() and not stop.is_set():
            await nap(self._clock, self._election.lease_seconds / 3, stop)
            if stop.is_set() or not await self._election.renew(lead):
                return

    async def _run_due(self, lead: Leadership) -> None:
        effects = Effects(lead, client=self._client, feed_secret=self._secret,
                          clock=self._clock, pause=self._pause)
        for job in self._jobs:
            lead.check()
            key = await job.due(self._claims)
            if key is None or self._clock.monotonic() < self._retry_at.get((job.name, key), 0):
                continue
            claim = await self._claims.claim(lead, job.name, key)
            if claim is None:
                job.finished(key)
                continue
            try:
                finished = await job.run(key, claim, effects, self._claims)
            except (LeadershipLost, StoreUnreachable):
                raise
            except Exception:
                # Zoom refused or failed (its client retried already): later, from the claim.
                log.exception("an account job failed; tried again later",
                              extra={"job": job.name, "key": key})
                finished = False
            if finished:
                job.finished(key)
                self._retry_at.pop((job.name, key), None)
            else:
                self._retry_at[(job.name, key)] = self._clock.monotonic() + self._retry
