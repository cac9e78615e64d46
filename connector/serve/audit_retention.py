"""The audit trail's retention in `connector serve`: rows older than the audit window
(CONNECTOR_PRIVACY__AUDIT_RETENTION_DAYS) are deleted at start and once a day after.

A restart prunes again at once: the deletion is by age alone, so running it twice, or after a
day the service was down, deletes what is due and nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from connector.clock import Clock
from connector.store import Store, StoreError

log = logging.getLogger("connector.store")

PRUNE_EVERY_SECONDS = 24 * 3600.0


class AuditRetention:
    def __init__(self, store: Store, *, days: int, clock: Clock) -> None:
        self._store = store
        self._window = timedelta(days=days)
        self._clock = clock

    def prune_now(self) -> dict[str, int]:
        """Delete the audit rows settled before the window; how many, by table ({} when the
        database refused: tried again at the next round)."""
        before = self._clock.now() - self._window
        try:
            pruned = self._store.prune_audit(before)
        except StoreError as error:
            log.warning("the audit trail was not pruned; trying again in a day: %s", error)
            return {}
        if any(pruned.values()):
            log.info("audit trail pruned", extra={"before": before.isoformat(), **pruned})
        return pruned

    async def run(self, stop: asyncio.Event) -> None:
        """Prune now and then every day, until `stop` is set."""
        while not stop.is_set():
            self.prune_now()
            sleeping = asyncio.ensure_future(self._clock.sleep(PRUNE_EVERY_SECONDS))
            stopping = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (sleeping, stopping):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
