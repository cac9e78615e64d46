"""Voicemail purges, batched: rooms that need one within a short window share a listing.

A room asks "delete everything left before T" and waits. The purger gathers the rooms that
ask within `window` seconds, lists voicemails the cheaper way (`purge_cost.py`), deletes
only what belongs to those rooms and predates their T, and answers each room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from connector.clock import Clock
from connector.reconcile.purge_cost import PurgeBatch, use_account_listing
from connector.rooms.planner import Target
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
    def __init__(self, api: ZoomApi, clock: Clock, window: float = 0.25) -> None:
        self._api = api
        self._clock = clock
        self._window = window
        self._pending: list[_Request] = []
        self._batch_task: asyncio.Task[None] | None = None
        self.account_voicemails_seen: int | None = None
        self.listings = {"user": 0, "account": 0}

    async def purge(self, target: Target, before: datetime) -> int:
        """Delete the room's voicemails left before `before`; returns how many were deleted."""
        request = _Request(target, before)
        self._pending.append(request)
        if self._batch_task is None or self._batch_task.done():
            self._batch_task = asyncio.create_task(self._run_batch())
        return await request.done

    async def _run_batch(self) -> None:
        await self._clock.sleep(self._window)
        batch, self._pending = self._pending, []
        try:
            await self._purge(batch)
        except BaseException as error:
            for request in batch:
                if not request.done.done():
                    request.done.set_exception(error)
            if not isinstance(error, Exception):
                raise

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
            await asyncio.gather(*(self._purge_one_user(r) for r in users))
            if areas:
                await self._purge_from_account_listing(areas)

    async def _purge_from_account_listing(self, batch: list[_Request]) -> None:
        self.listings["account"] += 1
        earliest = min(r.before for r in batch)
        latest = max(r.before for r in batch)
        voicemails = await self._api.list_account_voicemails(
            start=_day(earliest - LOOKBACK), end=_day(latest) + timedelta(days=1)
        )
        self.account_voicemails_seen = len(voicemails)
        by_owner: dict[str, list[Voicemail]] = {}
        for vm in voicemails:
            if vm.owner is not None and vm.owner.id:
                by_owner.setdefault(vm.owner.id, []).append(vm)
        await asyncio.gather(*(
            self._delete(r, by_owner.get(r.target.id, [])) for r in batch
        ))

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
            request.done.set_exception(error)
            return
        await self._delete(request, voicemails)

    async def _delete(self, request: _Request, voicemails: list[Voicemail]) -> None:
        old = [vm for vm in voicemails if _left_before(vm, request.before)]
        try:
            for vm in old:
                # Already gone (deleted by the guest, or by an earlier try) is fine.
                with contextlib.suppress(ZoomNotFound):
                    await self._api.delete_voicemail(
                        vm.id, intent=f"delete a voicemail of extension {request.target.extension}"
                    )
        except Exception as error:
            request.done.set_exception(error)
            return
        request.done.set_result(len(old))


def _day(when: datetime) -> date:
    return when.date()


def _left_before(vm: Voicemail, before: datetime) -> bool:
    if not vm.date_time:
        return True  # Zoom always dates them; an undated one cannot be newer than the stay
    left = datetime.fromisoformat(vm.date_time.replace("Z", "+00:00"))
    return left < before
