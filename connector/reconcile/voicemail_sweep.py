"""The nightly voicemail sweep (a part of `connector serve` with
CONNECTOR_RECONCILE__VOICEMAIL_WEBHOOKS): once per hotel day at
CONNECTOR_RECONCILE__VOICEMAIL_SWEEP_AT, Zoom's voicemails of the last month are listed (one
account-wide listing, Heavy and paged, or one Medium listing per user room when that costs
less: `purge_cost.py`; common areas need the account's) and the index is repaired both ways:
what a lost `voicemail_received` missed is added, what Zoom no longer has is marked deleted.
The sweep then judges the index's trust per owner type (`voicemail_trust.py`) and deletes
the voicemails left behind: a room's voicemails left before its last purge time (a check-out
or check-in) that a purge missed. The hotel day of the last sweep is kept in meta, so a
restart neither repeats nor skips one.

In a hotel group whose account worker lists once for the whole account
(CONNECTOR_ACCOUNT__WORKER), the sweep makes no listing of its own: it runs when the worker
has delivered a new day's listing of this hotel's voicemails (`fed`), and repairs and purges
from it as from its own account-wide listing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from prometheus_client import CollectorRegistry, Counter, Gauge

from connector.account.hotel_feed import FedVoicemails
from connector.clock import Clock, nap
from connector.daily_schedule import DailySchedule
from connector.reconcile.purge_cost import PurgeBatch, use_account_listing
from connector.reconcile.purger import LOOKBACK, VoicemailPurger, left_at
from connector.reconcile.voicemail_trust import Evidence, judge, judged_window
from connector.store import Store, StoreError
from connector.store.voicemail_index import OWNER_TYPES, IndexedVoicemail, OwnerType
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import Category, Family
from connector.zoom.directory import Directory
from connector.zoom.directory_rows import ExtensionOwner
from connector.zoom.models import Voicemail

log = logging.getLogger("connector.reconcile.voicemail")

LAST_DAY_KEY = "voicemail_index.sweep.last_day"
MAX_SLEEP_SECONDS = 300.0
_OWNER_TYPES = {"user": "user", "commonArea": "common_area", "common_area": "common_area"}


@dataclass(frozen=True)
class SweepRun:
    """What one sweep did."""

    day: date
    listing: str  # "account" or "user"
    listed: int
    added: int
    gone: int
    purged: int
    trusted: dict[OwnerType, bool]


class SweepMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.repairs = Counter(
            "connector_voicemail_sweep_repairs",
            "What the nightly voicemail sweep did: voicemails added to the index (a lost "
            "webhook), marked gone (a lost deletion) and purged (left behind by a purge).",
            ["repair"], registry=registry)
        self.trusted = Gauge(
            "connector_voicemail_index_trusted",
            "1 while check-out purges may use the voicemail index instead of a listing.",
            ["owner_type"], registry=registry)


class VoicemailSweep:
    """The nightly sweep of one hotel's voicemails, on an injected clock."""

    def __init__(self, *, api: ZoomApi, store: Store, directory: Directory,
                 purger: VoicemailPurger, at: str, tz: tzinfo, clock: Clock,
                 registry: CollectorRegistry, fed: FedVoicemails | None = None) -> None:
        """`fed`: the group's worker lists for this hotel (no listing of its own)."""
        self._api = api
        self._fed = fed
        self._store = store
        self._directory = directory
        self._purger = purger
        self._schedule = DailySchedule.parse(at, tz)
        self._clock = clock
        self._metrics = SweepMetrics(registry)

    def due(self) -> date | None:
        """The hotel day whose sweep is due now, if any."""
        raw = self._store.meta(LAST_DAY_KEY)
        if self._fed is not None:
            fed = self._fed.latest_day()
            last = None if raw is None else date.fromisoformat(raw)
            return fed if fed is not None and (last is None or fed > last) else None
        return self._schedule.due(self._clock.now(),
                                  None if raw is None else date.fromisoformat(raw))

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Sweep every hotel day until `stop` is set."""
        while not stop.is_set():
            try:
                day = self.due()
                if day is not None:
                    await self.run(day)
            except StoreError as error:
                log.error("the voicemail sweep failed: the database failed",
                          extra={"error": str(error)})
            except Exception:
                # Tried again after the next sleep; purges meanwhile list as before.
                log.exception("the voicemail sweep failed")
            now = self._clock.now()
            wait = (self._schedule.next_after(now) - now).total_seconds()
            # Fed by the group's worker: look for its delivery every minute.
            await nap(self._clock, min(wait, MAX_SLEEP_SECONDS if self._fed is None else 60.0),
                      stop)

    async def run(self, day: date) -> SweepRun:
        """List, repair the index, judge its trust and purge what was left behind, now."""
        started = self._clock.now()
        rooms, _ = self._directory.room_matches()
        owners = {o.id: o for o in rooms.values()}
        fed = None if self._fed is None else self._fed.latest()
        account = fed is not None or self._account_listing(owners)
        begin = started - LOOKBACK
        if fed is not None:
            begin, started = fed.begin, fed.end
        index = self._store.voicemails
        covered: set[str] | None = None if account else set(owners)
        # Read before listing: a purge deleting one meanwhile must not have it added back.
        indexed = {vm.voicemail_id: vm for vm in index.live_between(begin, started)
                   if covered is None or vm.owner_id in covered}
        if fed is not None:
            listed = _from_account_rows(
                [Voicemail.model_validate(row) for row in fed.rows], begin, started)
        else:
            listed = (await self._list_account(begin, started) if account
                      else await self._list_users(owners, begin, started))
        missing = [vm for vm in listed if vm.voicemail_id not in indexed]
        seen = {vm.voicemail_id for vm in listed}
        gone = [vm_id for vm_id in indexed if vm_id not in seen]
        trust = self._judge(listed, indexed, started, account)
        repaired = index.repair(add=missing, gone=gone, started=started, trust=trust)
        purged = await self._purge_left_behind(rooms, listed)
        self._store.set_meta(LAST_DAY_KEY, day.isoformat())
        run = SweepRun(day=day, listing="account" if account else "user", listed=len(listed),
                       added=repaired.added, gone=repaired.gone, purged=purged,
                       trusted={t: index.trusted_since(t) is not None for t in OWNER_TYPES})
        self._record(run)
        return run

    def _account_listing(self, owners: dict[str, ExtensionOwner]) -> bool:
        limiters = self._api.client.limiters
        users = sum(1 for o in owners.values() if o.kind == "user")
        return use_account_listing(
            PurgeBatch(users, len(owners) - users, self._purger.account_voicemails_seen),
            medium_rate=limiters.get(Family.PHONE, Category.MEDIUM).rate_per_second,
            heavy_rate=limiters.get(Family.PHONE, Category.HEAVY).rate_per_second,
            heavy_budget_left=limiters.daily(Family.PHONE).remaining)

    async def _list_account(self, begin: datetime, end: datetime) -> list[IndexedVoicemail]:
        self._purger.listings["account"] += 1
        async with self._purger.gate.listing():
            found = await self._api.list_account_voicemails(
                start=begin.date(), end=end.date() + timedelta(days=1))
        self._purger.account_voicemails_seen = len(found)
        return _from_account_rows(found, begin, end)

    async def _list_users(self, owners: dict[str, ExtensionOwner], begin: datetime,
                          end: datetime) -> list[IndexedVoicemail]:
        out: list[IndexedVoicemail] = []
        for owner in owners.values():
            self._purger.listings["user"] += 1
            found = await self._api.list_user_voicemails(
                owner.id, start=begin.date(), end=end.date() + timedelta(days=1),
                intent=f"list voicemail of extension {owner.extension} (nightly sweep)")
            for vm in found:
                out += _indexed(vm, owner.id, "user", owner.extension, begin, end)
        return out

    def _judge(self, listed: list[IndexedVoicemail], indexed: dict[str, IndexedVoicemail],
               started: datetime, account: bool) -> dict[OwnerType, datetime | None]:
        index = self._store.voicemails
        last = index.last_sweep_started()
        window = judged_window(last, index.first_indexed_at(), started)
        trust: dict[OwnerType, datetime | None] = {}
        # A per-user listing saw no common area's voicemail: their trust stands as it was.
        for owner_type in (OWNER_TYPES if account else ("user",)):
            evidence = Evidence()
            if window is not None:
                # Came: what the webhooks indexed (a purge may have deleted it since).
                # Missed: what Zoom lists that the index lacks.
                missed = sum(1 for vm in listed if vm.owner_type == owner_type
                             and window[0] <= vm.received_at < window[1]
                             and vm.voicemail_id not in indexed)
                evidence = Evidence(came=index.count_left_between(owner_type, *window),
                                    missed=missed)
            trust[owner_type] = judge(
                evidence, started=started, trusted=index.trusted_since(owner_type) is not None,
                swept_before=last is not None)
        return trust

    async def _purge_left_behind(self, rooms: dict[str, ExtensionOwner],
                                 listed: list[IndexedVoicemail]) -> int:
        clear_before: dict[str, tuple[datetime, str]] = {}
        for room, owner in rooms.items():
            known = self._store.known(room)
            if known is not None and known.voicemail_clear_before is not None:
                clear_before[owner.id] = (known.voicemail_clear_before, owner.extension)
        purged = 0
        for vm in listed:
            due = clear_before.get(vm.owner_id)
            if due is not None and vm.received_at < due[0]:
                await self._purger.delete_one(vm.voicemail_id, due[1])
                purged += 1
        return purged

    def _record(self, run: SweepRun) -> None:
        for repair in ("added", "gone", "purged"):
            self._metrics.repairs.labels(repair).inc(getattr(run, repair))
        for owner_type, trusted in run.trusted.items():
            self._metrics.trusted.labels(owner_type).set(1 if trusted else 0)
        log.info("voicemail sweep done", extra={
            "day": run.day.isoformat(), "listing": run.listing, "voicemails_listed": run.listed,
            "added": run.added, "marked_gone": run.gone, "purged": run.purged,
            "trusted_users": run.trusted["user"],
            "trusted_common_areas": run.trusted["common_area"]})
        if not all(run.trusted.values()):
            log.warning("the voicemail index is not trusted for every room phone: check-out "
                        "purges list voicemail as before (is the Zoom app subscribed to the "
                        "voicemail events? docs/rooms.md)", extra={
                            "trusted_users": run.trusted["user"],
                            "trusted_common_areas": run.trusted["common_area"]})


def _from_account_rows(found: list[Voicemail], begin: datetime,
                       end: datetime) -> list[IndexedVoicemail]:
    """The account-wide listing's voicemails as index rows (each names its owner)."""
    out: list[IndexedVoicemail] = []
    for vm in found:
        kind = _OWNER_TYPES.get(vm.owner.type or "") if vm.owner else None
        if vm.owner is None or not vm.owner.id or kind is None:
            continue
        extension = (None if vm.owner.extension_number is None
                     else str(vm.owner.extension_number))
        out += _indexed(vm, vm.owner.id, kind, extension, begin, end)
    return out


def _indexed(vm: Voicemail, owner_id: str, owner_type: str, extension: str | None,
             begin: datetime, end: datetime) -> list[IndexedVoicemail]:
    """The listed voicemail as an index row, if it was left within [begin, end)."""
    left = left_at(vm)
    if left is None or not begin <= left < end or owner_type not in OWNER_TYPES:
        return []
    return [IndexedVoicemail(voicemail_id=vm.id, owner_id=owner_id,
                             owner_type="user" if owner_type == "user" else "common_area",
                             extension=extension, received_at=left)]
