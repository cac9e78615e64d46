"""Which voicemail listing costs less against the rate limits (pure).

Per room: one Medium call per user room (`GET /phone/users/{id}/voice_mails`). Account-wide:
one Heavy call per 300 voicemails on the account (`GET /phone/voice_mails`), shared by every
room in the batch, and the only listing that covers common areas. Cost is measured as the
time the calls occupy their limiter: calls ÷ the rate we allow ourselves for that category.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ACCOUNT_PAGE_SIZE = 300


@dataclass(frozen=True)
class PurgeBatch:
    user_rooms: int
    common_area_rooms: int
    # Voicemails the account held at the last account listing (None: never listed).
    account_voicemails_seen: int | None


def account_listing_calls(batch: PurgeBatch) -> int:
    seen = batch.account_voicemails_seen
    return max(1, math.ceil((seen or 0) / ACCOUNT_PAGE_SIZE))


def use_account_listing(
    batch: PurgeBatch, medium_rate: float, heavy_rate: float, heavy_budget_left: int
) -> bool:
    """True when one account-wide listing is cheaper (or needed, for common areas)."""
    if batch.common_area_rooms:
        return True
    pages = account_listing_calls(batch)
    if pages > heavy_budget_left:
        return False
    return pages / heavy_rate < batch.user_rooms / medium_rate
