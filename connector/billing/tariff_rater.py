"""The hotel's tariff as the pipeline's `Rater`, read once at start-up.

A tariff file that cannot be read does not stop the connector (wake-ups and rooms matter
more than a call charge) and does not lose a call: every call is kept and held as "no rate"
with the reason, and rated again at the next start, once the file is fixed.

A call in a class that marks up Zoom's carrier charge (`carrier_markup_percent`) is held,
"waiting for Zoom's carrier charge", until the charge reader (`charge_reader.py`) has read
Zoom's charge for it and settles it again with the charge in hand. When the charge never
comes, the class's `per_minute` prices the call; a class without one holds it as no rate.
"""

from __future__ import annotations

import logging
from pathlib import Path

from connector.billing.call import ZoomCall
from connector.billing.carrier import CarrierCharge, NoCharge, waiting_reason
from connector.billing.classify import classify
from connector.billing.pipeline import Rater
from connector.billing.rating import NoRate, Rated, find_class, rate_call
from connector.billing.tariff import Tariff, TariffClass, TariffError, load_tariff

log = logging.getLogger("connector.billing")


def tariff_rater(path: Path) -> Rater:
    """Rates calls by the tariff at `path`; a file with problems holds every call instead,
    and the log (and `connector doctor`) says what is wrong."""
    try:
        tariff = load_tariff(path)
    except (TariffError, OSError) as error:
        problems = error.problems if isinstance(error, TariffError) else [str(error)]
        log.error("the tariff file cannot be used: calls are kept and held as 'no rate' "
                  "until it is fixed and the connector restarted",
                  extra={"tariff_file": str(path), "problems": problems[:20]})
        reason = (f"the tariff file {path} has problems ({len(problems)}); fix it "
                  f"(`connector doctor` lists them) and restart")

        def hold(call: ZoomCall, /,
                 carrier_charge: CarrierCharge | NoCharge | None = None) -> Rated | NoRate:
            return NoRate(reason)
        return hold
    return rate_by(tariff)


def rate_by(tariff: Tariff) -> Rater:
    """The pipeline's `Rater` for a loaded tariff."""

    def rate(call: ZoomCall, /,
             carrier_charge: CarrierCharge | NoCharge | None = None) -> Rated | NoRate:
        marked_up = _marked_up_class(tariff, call)
        if marked_up is None:
            return rate_call(tariff, call.dialled, call.talk_seconds, emergency=call.emergency)
        markup = marked_up.carrier_markup_percent
        assert markup is not None
        if carrier_charge is None:
            return NoRate(waiting_reason(marked_up.name, markup))
        if isinstance(carrier_charge, NoCharge):
            rated = rate_call(tariff, call.dialled, call.talk_seconds)
            if isinstance(rated, NoRate):
                return NoRate(f"{carrier_charge.reason}, and class {marked_up.name!r} has no "
                              "per_minute price to fall back on: give it one, or post the "
                              "call by hand")
            return rated
        if carrier_charge.currency != tariff.currency:
            return NoRate(f"Zoom charged this call in {carrier_charge.currency}, the tariff "
                          f"is in {tariff.currency}, and currencies are not converted: give "
                          f"class {marked_up.name!r} a per_minute price without "
                          "carrier_markup_percent, or post the call by hand")
        return rate_call(tariff, call.dialled, call.talk_seconds,
                         carrier_charge_minor=carrier_charge.minor_units(tariff.minor_units))
    return rate


def _marked_up_class(tariff: Tariff, call: ZoomCall) -> TariffClass | None:
    """The call's class when it marks up Zoom's charge and the call is charged at all (not
    an emergency, connected, longer than the free seconds); else None."""
    if call.emergency or call.talk_seconds <= 0:
        return None
    destination = classify(call.dialled, tariff.home_region)
    if destination.emergency:
        return None
    found = find_class(tariff, destination)
    if (not isinstance(found, TariffClass) or found.carrier_markup_percent is None
            or call.talk_seconds <= found.free_seconds):
        return None
    return found
