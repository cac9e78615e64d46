"""A kept call → attributed → rated → posted, once (the store's commits make it so).

The intake keeps every call as `new` before anything else; here each new call is settled:
not chargeable, not a room's, from a vacant room, late, without a rate, rated at nothing, or
posted. Posting is one commit: the call becomes posted and its posting (with its P#) joins
the reporter's outbox together, so a crash at any point leaves either a new call (settled
again at the next start) or a posted one (never posted again). The reporter then sends it
like any posting: held during the PMS's night audit, never re-sent blindly when its answer
does not come (`unknown`, settled by `connector calls resolve`).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Protocol, runtime_checkable

from connector.billing.attribution import Attribution, attribute
from connector.billing.call import ZoomCall
from connector.billing.carrier import CarrierCharge, NoCharge, is_waiting
from connector.billing.metrics import CallMetrics
from connector.clock import Clock
from connector.pms.reporter import Reporter
from connector.rooms.room_map import RoomMap
from connector.store import Rating, SettledState, Store

log = logging.getLogger("connector.billing")

_NOT_DIGITS = re.compile(r"\D")


@runtime_checkable
class Priced(Protocol):
    """A call the tariff priced (`connector.billing.rating.Rated`)."""

    @property
    def class_name(self) -> str: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def billed_seconds(self) -> int: ...


class Unpriced(Protocol):
    """A call no tariff class matches (`connector.billing.rating.NoRate`): held, not
    guessed."""

    @property
    def reason(self) -> str: ...


class Rater(Protocol):
    """The hotel's tariff applied to a call (`tariff_rater.rate_by`). `carrier_charge`: Zoom's
    charge for it, once read, or `NoCharge` when it never came (classes that mark it up)."""

    def __call__(self, call: ZoomCall, /,
                 carrier_charge: CarrierCharge | NoCharge | None = None
                 ) -> Priced | Unpriced: ...


class CallPipeline:
    """Settles kept calls. `late_window`: how long after check-out a call is still posted."""

    def __init__(self, store: Store, room_map: RoomMap, reporter: Reporter, rate: Rater, *,
                 clock: Clock, late_window: timedelta, metrics: CallMetrics) -> None:
        self._store = store
        self._rooms = {extension: room for room, extension in room_map.items()}
        self._reporter = reporter
        self._rate = rate
        self._clock = clock
        self._late_window = late_window
        self._metrics = metrics

    def settle_new(self) -> int:
        """Settle every call still new (at start: those kept before a crash); how many."""
        ids = self._store.new_calls()
        for call_id in ids:
            self.settle(call_id)
        return len(ids)

    def settle(self, call_id: str,
               carrier_charge: CarrierCharge | NoCharge | None = None) -> str | None:
        """Settle one new call (with Zoom's `carrier_charge` for it, once read); what became
        of it, or None when it was not new."""
        record = self._store.call(call_id)
        if record is None or record.state != "new":
            return None
        call = record.call
        room = None if call.caller_extension is None else self._rooms.get(call.caller_extension)
        stays = [] if room is None else self._store.stays_at(room, call.start_time)
        where = attribute(
            call, room, stays, now=self._clock.now(), late_window=self._late_window,
            let_again_since=lambda moment: room is not None and self._store.room_let_since(
                room, moment))
        if where.verdict == "chargeable":
            outcome = self._rate_and_post(call, where, carrier_charge)
        else:
            self._settle(call, where.verdict, where, reason=where.reason)
            outcome = where.verdict
        self._metrics.calls.labels(outcome).inc()
        return outcome

    def _rate_and_post(self, call: ZoomCall, where: Attribution,
                       carrier_charge: CarrierCharge | NoCharge | None) -> str:
        assert where.room is not None
        # A plain rater (a test's stand-in) takes the call alone.
        priced = (self._rate(call) if carrier_charge is None
                  else self._rate(call, carrier_charge))
        if not isinstance(priced, Priced) and is_waiting(priced.reason):
            # Held like a call without a rate, until the charge reader brings Zoom's charge.
            self._settle(call, "no_rate", where, reason=priced.reason)
            return "waiting_charge"
        if not isinstance(priced, Priced):
            self._settle(call, "no_rate", where, reason=priced.reason)
            log.warning("call not rated: no tariff class for it; held for the front desk",
                        extra={"call_id": call.call_id, "room": where.room,
                               "reason": priced.reason})
            return "no_rate"
        rating = Rating(class_name=priced.class_name, amount_minor=priced.amount_minor,
                        currency=priced.currency, billed_seconds=priced.billed_seconds)
        if rating.amount_minor == 0:
            self._settle(call, "rated", where, rating=rating,
                         reason=f"free ({rating.class_name}): nothing to post")
            return "rated"
        ended = call.end_time or call.start_time + timedelta(seconds=call.talk_seconds)
        try:
            # DD is digits only: E.164 without its "+".
            report = self._reporter.charge_report(
                where.room, rating.amount_minor, _NOT_DIGITS.sub("", call.dialled),
                call.talk_seconds, ended, class_name=rating.class_name)
        except ValueError as error:
            self._settle(call, "rated", where, rating=rating, reason=f"cannot be posted: {error}")
            log.error("rated call cannot be posted", extra={
                "call_id": call.call_id, "room": where.room, "error": str(error)})
            return "rated"
        p_number = self._store.post_call(call.call_id, report, reservation=where.reservation,
                                         rating=rating, reason=where.reason)
        if p_number is None:
            return "duplicate"
        self._reporter.nudge()
        log.info("call charge posted to the room", extra={
            "call_id": call.call_id, "room": where.room, "p_number": p_number,
            "amount_minor": rating.amount_minor, "currency": rating.currency,
            "class": rating.class_name})
        return "posted"

    def _settle(self, call: ZoomCall, state: SettledState, where: Attribution, *,
                reason: str | None, rating: Rating | None = None) -> None:
        self._store.settle_call(call.call_id, state, room=where.room,
                                reservation=where.reservation, reason=reason, rating=rating)
        log.info("call settled: %s", state, extra={
            "call_id": call.call_id, "room": where.room, "reason": reason})
