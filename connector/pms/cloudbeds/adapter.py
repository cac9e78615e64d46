"""`CloudbedsPms`: Cloudbeds' PMS API v1.3 as a `connector.pms.cloud.contract.CloudPms`.

Notices come through the web door (`webhooks.py`), not a source of ours. Hydration is one
`getReservation` read per reservation notice, but a notice that arrived before a read of its
reservation had begun is answered by that read: Cloudbeds sends two or three notices for
one check-in or check-out (status, accommodation status, a new booking), and the door reads
several at once, so the reservation is read once, not once per notice. Notices of one
reservation are hydrated one at a time, in order (`KeyedLock`). The rooms each reservation
is in house in are
kept in memory (seeded by every resync, updated by every hydration) so that a change of
rooms becomes a move with its old room. After a restart the door's resync seeds them before
notices are hydrated; a notice hydrated before any resync still lands in the right new room,
and the next resync clears the old one.

What goes back: maid status and DND with `postHousekeepingStatus`, call charges with
`postCustomItem` and a `referenceID` (Cloudbeds keeps only one item per reference, so a
charge whose answer was lost is sent again safely). Cloudbeds has no wake-up calls: they
stay with the phone system, and wake-up reports are not deliverable here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

import httpx
from prometheus_client import CollectorRegistry
from starlette.routing import BaseRoute

from connector.billing.money import minor_units_of
from connector.clock import Clock
from connector.events.models import AnyEvent, CheckIn
from connector.pms.cloud.contract import (
    CloudKind,
    EventSource,
    Notice,
    NoticeSink,
    PmsRefused,
    PmsUnavailable,
    Refused,
    SendResult,
    Sent,
    Unavailable,
)
from connector.pms.cloud.keyed_lock import KeyedLock
from connector.pms.cloud.limiter import SlidingWindowLimiter
from connector.pms.cloudbeds import translate, webhooks
from connector.pms.cloudbeds.client import CloudbedsClient, EventHooks, Json
from connector.pms.cloudbeds.metrics import CloudbedsMetrics
from connector.pms.cloudbeds.room_map import RoomDirectory
from connector.pms.cloudbeds.subscriptions import Subscriptions
from connector.settings.cloud_pms import CloudbedsSettings
from connector.store import Report

log = logging.getLogger(__name__)

WAKEUP_KINDS = frozenset({"wakeup_answer", "wakeup_set", "wakeup_clear"})
GUEST_PAGE = 100  # getGuestsByStatus' largest page
DOCTOR_REQUESTS_PER_SECOND = 1
# How long a reservation's last read is remembered to answer notices that came before it.
READ_KEPT = timedelta(hours=1)
SCOPES = ("read:hotel, read:reservation, read:guest, read:room, write:housekeeping, "
          "write:item")
DoctorCheck = tuple[str, bool, str, list[str]]


class CloudbedsPms:
    """One Cloudbeds property. `transport` and `event_hooks` are for tests and the sandbox."""

    def __init__(self, settings: CloudbedsSettings, *, tz: tzinfo, clock: Clock,
                 registry: CollectorRegistry,
                 transport: httpx.AsyncBaseTransport | None = None,
                 event_hooks: EventHooks | None = None) -> None:
        self._settings = settings
        self._tz = tz
        self._clock = clock
        self.metrics = CloudbedsMetrics(registry)
        self.client = CloudbedsClient(settings, clock=clock, transport=transport,
                                      event_hooks=event_hooks)
        self.rooms = RoomDirectory(self.client)
        base = f"{settings.public_url}{webhooks.PATH.removesuffix('/{secret}/events')}"
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        self.subscriptions = Subscriptions(self.client, f"{base}/{secret}/events",
                                           public_endpoint=f"{base}/…/events")
        # reservationID → {room number: roomID} of each stay known in house.
        self._in_house: dict[str, dict[str, str]] = {}
        # reservationID → when its last read began, and whether it answers an ending notice.
        self._read: dict[str, tuple[datetime, bool]] = {}
        self._reading = KeyedLock()
        self._minor_units: int | None = None

    @property
    def kind(self) -> CloudKind:
        return "cloudbeds"

    def source(self) -> EventSource | None:
        return None  # Cloudbeds' webhooks arrive through `routes`

    def routes(self, sink: NoticeSink) -> list[BaseRoute]:
        # Cloudbeds away means its webhooks of that time may never come: once it answers
        # again, that is a gap, and the door resyncs.
        self.client.on_back = lambda when: sink.gap(f"{when}; its webhooks may be lost")
        return webhooks.routes(sink, self._settings, clock=self._clock, metrics=self.metrics)

    async def start(self) -> None:
        """Read the rooms and keep the connector's webhook subscriptions."""
        await self.rooms.load()
        await self.subscriptions.keep()

    async def unsubscribe_all(self) -> int:
        """Remove the connector's webhook subscriptions (an uninstall); how many were."""
        return await self.subscriptions.unsubscribe_all()

    async def hydrate(self, notice: Notice) -> Sequence[AnyEvent]:
        if notice.name == "housekeeping/room_condition_changed":
            room = await self.rooms.number(str(notice.body.get("roomID", "")))
            return [] if room is None else translate.housekeeping_event(notice, room)
        reservation_id = str(notice.body.get("reservationID", ""))
        async with self._reading.holding(reservation_id):
            return await self._hydrate_reservation(notice, reservation_id)

    async def _hydrate_reservation(self, notice: Notice,
                                   reservation_id: str) -> Sequence[AnyEvent]:
        known = self._in_house.get(reservation_id, {})
        if notice.name == "reservation/deleted":
            self._in_house.pop(reservation_id, None)
            return translate.deleted_events(notice, known)
        ending = notice.name in translate.ENDING_NOTICES
        last = self._read.get(reservation_id)
        # A read begun after this notice came saw what it says, and its events are applied
        # (but an ending notice also checks out rooms never known, when the stay was found
        # checked out: only a read for an ending notice did that).
        if last is not None and last[0] >= notice.received_at and (last[1] or not ending):
            return []
        started = self._clock.now()
        answer = await self.client.get("getReservation", {"reservationID": reservation_id})
        data = answer.get("data")
        if not isinstance(data, Mapping):
            raise PmsRefused(f"Cloudbeds getReservation {reservation_id}: no reservation")
        self._remember_read(reservation_id, started,
                            ending or data.get("status") != translate.CHECKED_OUT)
        hydrated = translate.reservation_events(notice, data, known=known,
                                                numbers=await self._numbers(data))
        if hydrated.in_house:
            self._in_house[reservation_id] = dict(hydrated.in_house)
        else:
            self._in_house.pop(reservation_id, None)
        return hydrated.events

    def _remember_read(self, reservation_id: str, started: datetime, ending: bool) -> None:
        """Note a read begun at `started`; `ending`: it answers ending notices too."""
        self._read.pop(reservation_id, None)  # re-inserted last: the dict is oldest first
        self._read[reservation_id] = (started, ending)
        # A notice waits minutes at most (a PMS outage); a read older than that answers none.
        horizon = started - READ_KEPT
        while self._read:
            oldest = next(iter(self._read))
            if self._read[oldest][0] >= horizon:
                break
            del self._read[oldest]

    async def in_house(self) -> list[CheckIn]:
        rows = await self.client.pages("getGuestsByStatus", {"status": "in_house"},
                                       page_size=GUEST_PAGE)
        current = self.rooms.current or await self.rooms.load()
        check_ins, stays = translate.in_house_check_ins(rows, current.by_id, self._clock.now())
        self._in_house = stays  # the in-house list is the truth: it replaces what was known
        return check_ins

    def can_send(self, report: Report) -> bool:
        """Wake-ups cannot go to Cloudbeds: it has no wake-up calls in its API."""
        return report.kind not in WAKEUP_KINDS

    async def send(self, report: Report, *, reference: str) -> SendResult:
        if not self.can_send(report):
            return Refused("Cloudbeds has no wake-up calls; they stay with the phone system")
        try:
            return await self._send(report, reference)
        except PmsUnavailable as error:
            return Unavailable(str(error), error.retry_after)
        except PmsRefused as error:
            if report.kind == "posting" and translate.duplicate_reference(str(error)):
                return Sent(f"already posted: {error}")
            return Refused(str(error))
        except (KeyError, ValueError) as error:
            return Refused(f"report {report.id} cannot be said to Cloudbeds: {error}")

    async def doctor(self) -> list[DoctorCheck]:
        # `connector doctor` runs beside the service on the same key: one request a second,
        # the headroom CONNECTOR_CLOUDBEDS__REQUESTS_PER_SECOND leaves under Cloudbeds' limit.
        self.client.limiter = SlidingWindowLimiter(DOCTOR_REQUESTS_PER_SECOND,
                                                   clock=self._clock)
        missing = self._settings.missing()
        if missing:
            return [("Cloudbeds settings", False, "not complete",
                     [f"Set {name} (docs/pms-cloudbeds.md)." for name in missing])]
        key = await self._check_key()
        if not key[1]:
            return [key]
        return [key, await self._check_webhooks(), await self._check_rooms()]

    async def close(self) -> None:
        await self.client.close()

    async def _send(self, report: Report, reference: str) -> SendResult:
        room_id = await self.rooms.room_id(report.room)
        if room_id is None:
            return Refused(f"room {report.room} is not a room in Cloudbeds (getRooms): name "
                           "it there as the phones do")
        if report.kind in ("maid_status", "guest_service"):
            await self.client.post("postHousekeepingStatus",
                                   translate.housekeeping_fields(report, room_id))
            return Sent()
        if report.kind != "posting":
            return Refused(f"Cloudbeds cannot take a {report.kind} report")
        reservation_id = await self._reservation_in(room_id)
        if reservation_id is None:
            return Refused(f"no guest is in house in room {report.room}: Cloudbeds takes a "
                           "charge only on a reservation")
        fields = translate.custom_item_fields(
            report, reference=reference, reservation_id=reservation_id, room_id=room_id,
            item_name=self._settings.charge_item_name, minor_units=await self._minor(),
            tz=self._tz)
        answer = await self.client.post("postCustomItem", fields)
        duplicate = translate.already_posted(answer)
        if duplicate is not None:
            return Sent(f"already posted: {duplicate}")
        data = answer.get("data")
        posted = data.get("transactionID") or data.get("soldProductID") if isinstance(
            data, Mapping) else None
        return Sent(str(posted or ""))

    async def _reservation_in(self, room_id: str) -> str | None:
        """The reservation in house in the room: the one known, else `getReservations`."""
        for reservation_id, rooms in self._in_house.items():
            if room_id in rooms.values():
                return reservation_id
        answer = await self.client.get("getReservations",
                                       {"roomID": room_id, "status": "checked_in"})
        data = answer.get("data")
        for row in data if isinstance(data, list) else []:
            if isinstance(row, Mapping) and row.get("reservationID"):
                return str(row["reservationID"])
        return None

    async def _minor(self) -> int:
        """Decimals of the property's currency (charges are kept in minor units)."""
        if self._minor_units is None:
            details = await self._details()
            currency = details.get("propertyCurrency")
            code = currency.get("currencyCode") if isinstance(currency, Mapping) else None
            if not code:
                raise PmsUnavailable("Cloudbeds getHotelDetails: no property currency")
            self._minor_units = minor_units_of(str(code), None)
        return self._minor_units

    async def _details(self) -> Json:
        data = (await self.client.get("getHotelDetails")).get("data")
        return data if isinstance(data, Mapping) else {}

    async def _numbers(self, reservation: Json) -> Mapping[str, str]:
        """roomID → number for the reservation's rooms whose name the answer lacks (the
        kept map, read again once when one is missing)."""
        numbers: dict[str, str] = {}
        assigned = reservation.get("assigned")
        for entry in assigned if isinstance(assigned, list) else []:
            if isinstance(entry, Mapping) and entry.get("roomID") and not entry.get("roomName"):
                number = await self.rooms.number(str(entry["roomID"]))
                if number is not None:
                    numbers[str(entry["roomID"])] = number
        return numbers

    async def _check_key(self) -> DoctorCheck:
        prop = self._settings.property_id
        try:
            details = await self._details()
        except PmsUnavailable as error:
            return ("Cloudbeds API key", False, "Cloudbeds did not answer as it should",
                    [str(error), "If the key was refused: ask the hotel for a Cloudbeds API key "
                     f"for property {prop} with the scopes {SCOPES}. If Cloudbeds suspended "
                     "the key for too many requests, only Cloudbeds support can reactivate "
                     "it."])
        except PmsRefused as error:
            return ("Cloudbeds API key", False, f"property {prop} cannot be read",
                    [str(error), f"Check CONNECTOR_CLOUDBEDS__PROPERTY_ID ({prop}) is the "
                     "hotel's property id, and ask the hotel for a key of that property."])
        name = str(details.get("propertyName") or "")
        currency = details.get("propertyCurrency")
        code = currency.get("currencyCode") if isinstance(currency, Mapping) else None
        if code:
            self._minor_units = minor_units_of(str(code), None)
        return ("Cloudbeds API key", True, f"property {prop} ({name}) readable",
                [f"The key needs the scopes {SCOPES}."])

    async def _check_webhooks(self) -> DoctorCheck:
        where = self.subscriptions.public_endpoint
        try:
            missing = await self.subscriptions.check()
        except (PmsUnavailable, PmsRefused) as error:
            return ("Cloudbeds webhooks", False, "the subscriptions cannot be read",
                    [str(error), "Ask Cloudbeds to enable webhooks for this API key."])
        if len(missing) == len(webhooks.EVENTS):
            # Before the first start: `connector serve` subscribes them, and the key may.
            return ("Cloudbeds webhooks", True,
                    f"none subscribed yet: `connector serve` subscribes the "
                    f"{len(missing)} events when it starts", [f"to {where}"])
        if missing:
            return ("Cloudbeds webhooks", False, f"{len(missing)} events not subscribed",
                    [f"Not subscribed to {where}: {', '.join(missing)}.",
                     "The connector subscribes them when it starts (`connector serve`); "
                     "CONNECTOR_CLOUDBEDS__PUBLIC_URL must be this connector's HTTPS address "
                     "as Cloudbeds reaches it."])
        ids = [f"{o}/{a}: {i}" for (o, a), i in sorted(self.subscriptions.ids.items())]
        return ("Cloudbeds webhooks", True,
                f"{len(webhooks.EVENTS)} events subscribed to {where}", ids)

    async def _check_rooms(self) -> DoctorCheck:
        try:
            rooms = await self.rooms.load()
        except (PmsUnavailable, PmsRefused) as error:
            return ("Cloudbeds rooms", False, "the rooms cannot be read",
                    [str(error), f"The API key needs the scope read:room ({SCOPES})."])
        if not rooms.by_number:
            return ("Cloudbeds rooms", False, "Cloudbeds lists no rooms",
                    ["Ask the hotel to set up its rooms in Cloudbeds, each named with the "
                     "room number the phones use."])
        problems = [f"{p}: ask the hotel to rename it in Cloudbeds to the room number the "
                    "phones use." for p in rooms.unusable]
        return ("Cloudbeds rooms", not problems, f"{len(rooms.by_number)} rooms mapped",
                problems)
