"""Voicemail purges, batched: rooms that need one within a short window share a listing.

A room asks "delete everything left before T" and waits. The purger gathers the rooms that
ask within a window, lists voicemails the cheaper way (`purge_cost.py`), deletes only what
belongs to those rooms and predates their T, and answers each room when its own deletes are
done. The next window opens as soon as a batch is listed (its deletes go on meanwhile, but
pause while an account listing pages: `listing_gate.py`). A window lasts two Heavy intervals
(0.5 s on Pro, 0.25 s on Business at a 0.8 share), so the account listings take at most half
the Heavy rate, whatever the plan.

With a trusted voicemail index (`voicemail_trust.py`), a room's purge lists nothing: it
deletes the indexed voicemails of the room's phone left before T (each DELETE is Light) and
marks them deleted in the index, a 404 included (already gone).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from connector.clock import Clock
from connector.reconcile.listing_gate import ListingGate
from connector.reconcile.purge_cost import PurgeBatch, use_account_listing
from connector.rooms.planner import Target
from connector.store.voicemail_index import VoicemailIndex
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Category, Family
from connector.zoom.errors import ZoomNotFound
from connector.zoom.models import Voicemail

log = logging.getLogger("connector.reconcile.purge")

# Zoom lists voicemail a month at a time (and keeps it at most six months); we look back a
# month from the purge time, which covers any stay's messages in practice.
LOOKBACK = timedelta(days=30)


@dataclass
class _Request:
    target: Target
    before: datetime
    done: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class VoicemailPurger:
    def __init__(self, api: ZoomApi, clock: Clock, window: float | None = None, *,
                 index: VoicemailIndex | None = None) -> None:
        """`window`: seconds a batch gathers; None: two intervals of the Heavy limiter.
        `index`: the voicemail index, when Zoom's voicemail webhooks feed it (it is used
        for an owner type only while a sweep trusts it; deletes are noted in it always)."""
        self._api = api
        self._clock = clock
        self._window = window
        self._index = index
        self._pending: list[_Request] = []
        self._batch_task: asyncio.Task[None] | None = None
        self._deleting: set[asyncio.Task[None]] = set()
        self._gate = ListingGate()
        self.account_voicemails_seen: int | None = None
        self.listings = {"user": 0, "account": 0}
        self.index_purges = 0

    @property
    def gate(self) -> ListingGate:
        """Deletes wait for an account listing's pages (the nightly sweep lists through it)."""
        return self._gate

    async def purge(self, target: Target, before: datetime) -> int:
        """Delete the room's voicemails left before `before`; returns how many were deleted."""
        if self._index is not None and self._index.trusted_since(target.kind) is not None:
            return await self._purge_from_index(target, before)
        request = _Request(target, before)
        self._pending.append(request)
        if self._batch_task is None or self._batch_task.done():
            self._batch_task = asyncio.create_task(self._run_batch())
        return await request.done

    async def _run_batch(self) -> None:
        # Requests that arrive while a batch is being purged see this task still running and
        # start none of their own: they are the next batch.
        while self._pending:
            await self._clock.sleep(self._batch_window())
            batch, self._pending = self._pending, []
            try:
                await self._purge(batch)
            except BaseException as error:
                for request in batch:
                    if not request.done.done():
                        request.done.set_exception(error)
                if not isinstance(error, Exception):
                    raise

    async def _purge_from_index(self, target: Target, before: datetime) -> int:
        assert self._index is not None
        self.index_purges += 1
        indexed = self._index.live(target.id, before=before)
        for vm in indexed:
            await self.delete_one(vm.voicemail_id, target.extension)
        return len(indexed)

    async def delete_one(self, voicemail_id: str, extension: str) -> None:
        """Delete one voicemail (Light), noting it in the index; already gone is fine."""
        # Already gone (deleted by the guest, or by an earlier try) is fine.
        with contextlib.suppress(ZoomNotFound):
            async with self._gate.deleting():
                await self._api.delete_voicemail(
                    voicemail_id, intent=f"delete a voicemail of extension {extension}")
        if self._index is not None:
            self._index.mark_deleted([voicemail_id])

    def _batch_window(self) -> float:
        if self._window is not None:
            return self._window
        heavy = self._api.client.limiters.get(Family.PHONE, Category.HEAVY).rate_per_second
        return 2 / heavy

    def _finish_later(self, batch: list[_Request], work: Awaitable[object]) -> None:
        """Deletes (and per-user listings) go on while the next batch gathers: a room waits
        for its own, not for the whole batch's and then a window more."""

        async def run() -> None:
            try:
                await work
            except BaseException as error:
                for request in batch:
                    if not request.done.done():
                        request.done.set_exception(error)
                if not isinstance(error, Exception):
                    raise

        task = asyncio.create_task(run())
        self._deleting.add(task)
        task.add_done_callback(self._deleting.discard)

    async def _purge(self, batch: list[_Request]) -> None:
        users = [r for r in batch if r.target.kind == "user"]
        areas = [r for r in batch if r.target.kind == "common_area"]
        limiters = self._api.client.limiters
        account = use_account_listing(
            PurgeBatch(len(users), len(areas), self.account_voicemails_seen),
            medium_rate=limiters.get(Family.PHONE, Category.MEDIUM).rate_per_second,
            heavy_rate=limiters.get(Family.PHONE, Category.HEAVY).rate_per_second,
            heavy_budget_left=limiters.daily(Family.PHONE).remaining,
        )
        if account:
            await self._purge_from_account_listing(batch)
        else:
            self._finish_later(users, asyncio.gather(*(self._purge_one_user(r) for r in users)))
            if areas:
                await self._purge_from_account_listing(areas)

    async def _purge_from_account_listing(self, batch: list[_Request]) -> None:
        self.listings["account"] += 1
        earliest = min(r.before for r in batch)
        latest = max(r.before for r in batch)
        async with self._gate.listing():
            voicemails = await self._api.list_account_voicemails(
                start=_day(earliest - LOOKBACK), end=_day(latest) + timedelta(days=1)
            )
        self.account_voicemails_seen = len(voicemails)
        by_owner: dict[str, list[Voicemail]] = {}
        for vm in voicemails:
            if vm.owner is not None and vm.owner.id:
                by_owner.setdefault(vm.owner.id, []).append(vm)
        self._finish_later(batch, asyncio.gather(*(
            self._delete(r, by_owner.get(r.target.id, [])) for r in batch
        )))

    async def _purge_one_user(self, request: _Request) -> None:
        self.listings["user"] += 1
        try:
            voicemails = await self._api.list_user_voicemails(
                request.target.id,
                start=_day(request.before - LOOKBACK),
                end=_day(request.before) + timedelta(days=1),
                intent=f"list voicemail of extension {request.target.extension}",
            )
        except Exception as error:
            if not request.done.done():  # the batch may have failed it meanwhile
                request.done.set_exception(error)
            return
        await self._delete(request, voicemails)

    async def _delete(self, request: _Request, voicemails: list[Voicemail]) -> None:
        old = [vm for vm in voicemails if _left_before(vm, request.before)]
        try:
            for vm in old:
                await self.delete_one(vm.id, request.target.extension)
        except Exception as error:
            if not request.done.done():
                request.done.set_exception(error)
            return
        if not request.done.done():
            request.done.set_result(len(old))


def _day(when: datetime) -> date:
    return when.date()


def _left_before(vm: Voicemail, before: datetime) -> bool:
    left = left_at(vm)
    return left is None or left < before  # an undated one cannot be newer than the stay


def left_at(vm: Voicemail) -> datetime | None:
    """When the voicemail was left (Zoom always dates them; None if it did not)."""
    if not vm.date_time:
        return None
    return datetime.fromisoformat(vm.date_time.replace("Z", "+00:00"))
