"""`OhipPms`: OPERA Cloud through OHIP, as the cloud door's `CloudPms`.

Hydration reads one thing per notice (the reservation, or its wake-up calls); a room status
carries its own news. Reports find their reservation from the room through OPERA's own
lists, since OPERA files wake-ups and charges by reservation, not by room.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from starlette.routing import BaseRoute

from connector.clock import Clock
from connector.events.models import AnyEvent, CheckIn
from connector.pms.cloud.contract import (
    CloudPms,
    EventSource,
    Notice,
    NoticeSink,
    PmsRefused,
    PmsUnavailable,
    Refused,
    SendResult,
    Sent,
    Unavailable,
    Unknown,
)
from connector.pms.ohip import outbound
from connector.pms.ohip.client import AnswerLost, OhipClient
from connector.pms.ohip.doctor import doctor_checks
from connector.pms.ohip.poll import OhipPoll
from connector.pms.ohip.reservation import stay_from_reservation, stays_in_house
from connector.pms.ohip.stream import OhipStream
from connector.pms.ohip.translate import (
    Detail,
    Read,
    check_ins,
    events_from_room_status,
    events_from_stay,
    events_from_wakeups,
    parse_event,
    wakeup_room,
)
from connector.settings.cloud_pms import OhipEvents, OhipSettings
from connector.store import Report


class _NoStay(Exception):
    """No reservation in house holds the room in OPERA."""


class OhipPms:
    """One hotel's OPERA Cloud. `currency`: the tariff's (code, minor units) call charges
    are posted in; None: charges cannot be posted."""

    def __init__(self, settings: OhipSettings, client: OhipClient, *, tz: tzinfo,
                 clock: Clock, currency: tuple[str, int] | None = None) -> None:
        self.settings = settings
        self.client = client
        self._tz = tz
        self._clock = clock
        self._currency = currency
        self._hotel = settings.hotel_id

    @property
    def kind(self) -> Literal["ohip"]:
        return "ohip"

    def source(self) -> EventSource:
        """The stream, or the businessEvents dequeue when `CONNECTOR_OHIP__EVENTS=poll`."""
        if self.settings.events is OhipEvents.POLL:
            return OhipPoll(self.client, self.settings, clock=self._clock)
        return OhipStream(self.settings, self.client.token, clock=self._clock)

    def routes(self, sink: NoticeSink) -> list[BaseRoute]:
        return []  # OHIP's events are fetched, never pushed to us

    async def start(self) -> None:
        return None  # OPERA's event selection is made by the hotel, not by an API call

    async def hydrate(self, notice: Notice) -> list[AnyEvent]:
        """The canonical events a stored notice means (one read at most, but for a deleted
        wake-up whose calls no longer name the room: the reservation is read for it)."""
        event = parse_event(notice.body)
        key = event.primary_key
        match event.read:
            case Read.NONE:
                return events_from_room_status(event, notice, self._tz)
            case Read.RESERVATION if key:
                stay = stay_from_reservation(await self.client.get_json(self._reservation(key)))
                return [] if stay is None else list(events_from_stay(event, stay, notice,
                                                                      self._tz))
            case Read.WAKEUPS if key:
                answer = await self.client.get_json(
                    self._calls(key), {"fetchPending": "true", "fetchCancelled": "true"})
                room = wakeup_room(answer) or _new_room(event.room_detail())
                if room is None:
                    stay = stay_from_reservation(
                        await self.client.get_json(self._reservation(key)))
                    room = stay.room if stay else None
                return list(events_from_wakeups(event, answer, notice, self._tz, room=room))
        return []

    async def in_house(self) -> list[CheckIn]:
        """Every stay in house, from OPERA's InHouse search, page by page."""
        rows = await self.client.get_pages(
            f"/rsv/v1/hotels/{self._hotel}/reservations", {"searchType": "InHouse"},
            container="reservations", items="reservationInfo")
        return check_ins(stays_in_house(rows), self._clock.now())

    def can_send(self, report: Report) -> bool:
        """Not DND (OHIP's APIs have no writable do-not-disturb), nor charges without a
        transaction code and a tariff currency."""
        if report.kind == "guest_service":
            return False
        if report.kind == "posting":
            return bool(self.settings.charge_transaction_code) and self._currency is not None
        return True

    async def send(self, report: Report, *, reference: str) -> SendResult:
        """Say one report to OPERA; `reference` is a charge's postingReference."""
        try:
            return await self._send(report, reference)
        except _NoStay:
            return Refused(f"OPERA has no reservation in house in room {report.room}")
        except AnswerLost as error:
            if report.kind == "posting":
                return Unknown(f"{error}: it may be on the folio; check room {report.room}'s "
                               "folio in OPERA before posting it again")
            return Unavailable(str(error))
        except PmsUnavailable as error:
            return Unavailable(str(error), error.retry_after)
        except PmsRefused as error:
            return Refused(str(error))

    async def _send(self, report: Report, reference: str) -> SendResult:
        payload = report.payload
        match report.kind:
            case "wakeup_answer":
                requested = datetime.fromisoformat(str(payload["requested_at"]))
                call = await self._call(report.room, requested)
                if call is None:
                    return Refused(f"OPERA holds no wake-up at {requested:%H:%M} for room "
                                   f"{report.room}")
                return await self._put_call(call, outbound.wakeup_result(str(payload["status"])))
            case "wakeup_set":
                reservation = await self._room_reservation(report.room)
                at = datetime.fromisoformat(str(payload["at"]))
                await self.client.post_json(
                    self._calls(reservation),
                    outbound.wakeup_new_body(reservation, report.room, at, self._tz))
                return Sent()
            case "wakeup_clear":
                call = await self._call(report.room, datetime.fromisoformat(str(payload["at"])))
                owner = outbound.call_reservation(call) if call else None
                if call is None or owner is None:
                    return Sent("no such wake-up in OPERA")
                await self.client.delete(self._calls(owner),
                                         {"callTime": str(call.get("callTime"))})
                return Sent()
            case "maid_status":
                await self.client.put_json(
                    f"/hsk/v1/hotels/{self._hotel}/rooms/status",
                    outbound.room_status_body(report.room, _int(payload["status"])))
                return Sent()
            case "posting":
                return await self._post_charge(report, reference)
        return Refused(f"OHIP cannot carry a {report.kind} report")

    async def _post_charge(self, report: Report, reference: str) -> SendResult:
        if self._currency is None or not self.settings.charge_transaction_code:
            return Refused("call charges are not posted to OPERA (no transaction code or "
                           "no tariff currency)")
        reservation = await self._room_reservation(report.room)
        currency, minor_units = self._currency
        body = outbound.charge_body(
            self._hotel, reservation, transaction_code=self.settings.charge_transaction_code,
            amount_minor=_int(report.payload["amount_minor"]), minor_units=minor_units,
            currency=currency, reference=reference,
            remark=outbound.charge_remark(_int(report.payload.get("duration_seconds", 0))),
            cashier_id=self.settings.cashier_id)
        await self.client.post_json(
            f"/csh/v1/hotels/{self._hotel}/reservations/{reservation}/charges", body)
        return Sent(f"posted to reservation {reservation}")

    async def _call(self, room: str, requested: datetime) -> Mapping[str, Any] | None:
        """The room's wake-up call at `requested`, from the hotel's wake-up list (one read,
        whichever sharer's reservation it belongs to)."""
        day = requested.astimezone(self._tz).date().isoformat()
        answer = await self.client.get_json(
            f"/fof/v1/hotels/{self._hotel}/wakeUpCalls",
            {"room": room, "beginDate": day, "endDate": day, "fetchPending": "true",
             "fetchCompleted": "true", "fetchNoAnswer": "true"})
        return outbound.find_call(answer, requested, self._tz)

    async def _put_call(self, call: Mapping[str, Any], status: str) -> SendResult:
        reservation = outbound.call_reservation(call)
        if reservation is None:
            return Refused("OPERA's wake-up call names no reservation")
        await self.client.put_json(self._calls(reservation),
                                   outbound.wakeup_answer_body(call, status))
        return Sent()

    async def _room_reservation(self, room: str) -> str:
        """The reservation in house in `room` (its primary guest's, when sharers hold it)."""
        answer = await self.client.get_json(
            f"/rsv/v1/hotels/{self._hotel}/reservations",
            {"searchType": "InHouse", "roomId": room, "limit": 20})
        rows = (answer.get("reservations") or {}).get("reservationInfo") or []
        stays = [s for s in stays_in_house(rows) if s.room == room and s.in_house]
        if not stays:
            raise _NoStay(room)
        return stays[0].reservation

    async def doctor(self) -> list[tuple[str, bool, str, list[str]]]:
        """Credentials, the hotel, the in-house list, the wake-up list, charges: in words."""
        return await doctor_checks(self.client, self.settings,
                                   charges_ready=self._currency is not None)

    async def close(self) -> None:
        await self.client.close()

    def _reservation(self, reservation: str) -> str:
        return f"/rsv/v1/hotels/{self._hotel}/reservations/{reservation}"

    def _calls(self, reservation: str) -> str:
        return f"/fof/v1/hotels/{self._hotel}/reservations/{reservation}/wakeUpCalls"


def _new_room(detail: Detail | None) -> str | None:
    return (detail.new.strip() or None) if detail is not None else None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PmsRefused(f"expected a whole number in the report, not {value!r}")
    return value


if TYPE_CHECKING:
    def _is_a_cloud_pms(pms: OhipPms) -> CloudPms:  # mypy checks the contract is met
        return pms


__all__ = ["OhipPms"]
