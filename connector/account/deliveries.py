"""A claimed job's deliveries: each hotel's document, each delivery a step of the claim, so a
job resumed by a newer leader delivers only to the hotels not yet recorded."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from connector.account.claims import Claim
from connector.account.effects import Effects
from connector.account.forward import Delivery
from connector.account.group import Group

log = logging.getLogger("connector.account.worker")


async def deliver_all(claim: Claim, effects: Effects, group: Group,
                      documents: Mapping[str, bytes]) -> list[str]:
    """Deliver what is not yet delivered; the hotels still to be served (down or refusing).
    A step is recorded only after the hotel's 2xx (it has stored the document)."""
    done = await claim.steps_done()
    left: list[str] = []
    for hotel_id in sorted(documents):
        if hotel_id in done:
            continue
        hotel = group.hotel(hotel_id)
        if hotel is None:
            continue
        delivery = await effects.deliver(hotel, documents[hotel_id])
        if delivery is Delivery.STORED:
            await claim.step_done(hotel_id)
            continue
        left.append(hotel_id)
        log.warning("a hotel did not take the account worker's delivery; tried again later",
                    extra={"hotel": hotel_id, "delivery": delivery.value, "job": claim.job})
    return left
