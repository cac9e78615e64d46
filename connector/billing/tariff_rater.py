"""The hotel's tariff as the pipeline's `Rater`, read once at start-up.

A tariff file that cannot be read does not stop the connector (wake-ups and rooms matter
more than a call charge) and does not lose a call: every call is kept and held as "no rate"
with the reason, and rated again at the next start, once the file is fixed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from connector.billing.call import ZoomCall
from connector.billing.pipeline import Rater
from connector.billing.rating import NoRate, Rated, rate_call
from connector.billing.tariff import TariffError, load_tariff

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

        def hold(call: ZoomCall) -> Rated | NoRate:
            return NoRate(reason)
        return hold

    def rate(call: ZoomCall) -> Rated | NoRate:
        return rate_call(tariff, call.dialled, call.talk_seconds, emergency=call.emergency)
    return rate
