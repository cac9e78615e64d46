"""Cashiering (csh): postBillingCharges, a call charge on an in-house reservation's folio.
No idempotency key exists: the same body posted twice is two charges, as in OPERA."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.sandbox.ohip import views
from connector.sandbox.ohip.errors import invalid
from connector.sandbox.ohip.gateway import Parts, json_body, ohip_json, operation

DEFAULT_CURRENCY = "USD"


def _amount(charge: dict[str, Any]) -> tuple[Decimal, str]:
    price = charge.get("price")
    if not isinstance(price, dict) or isinstance(price.get("amount"), bool):
        raise invalid("Each charge needs price.amount")
    try:
        amount = Decimal(str(price.get("amount")))
    except InvalidOperation:
        raise invalid("price.amount must be a number") from None
    return amount, str(price.get("currencyCode") or DEFAULT_CURRENCY)


async def post_charges(parts: Parts, request: Request) -> Response:
    state = parts.state
    reservation_id = request.path_params["reservationId"]
    criteria = (await json_body(request)).get("criteria")
    charges = criteria.get("charges") if isinstance(criteria, dict) else None
    if not isinstance(charges, list) or not charges or not all(
            isinstance(c, dict) for c in charges):
        raise invalid("criteria.charges must list at least one charge")
    state.reservation(reservation_id)
    priced = [(charge, *_amount(charge)) for charge in charges]  # all read before any posts
    postings = []
    for charge, amount, currency in priced:
        postings.append(state.post_charge(
            reservation_id, transaction_code=str(charge.get("transactionCode") or ""),
            amount=amount, currency=currency, quantity=int(charge.get("postingQuantity") or 1),
            reference=str(charge.get("postingReference") or ""),
            remark=str(charge.get("postingRemark") or ""),
            folio_window=int(charge.get("folioWindowNo") or 1)))
    return ohip_json(201, {"postings": [views.posting(p) for p in postings]},
                     {"Location": str(request.url)})


def routes(parts: Parts) -> list[Route]:
    return [operation(parts, "POST",
                      "/csh/v1/hotels/{hotelId}/reservations/{reservationId}/charges",
                      "postBillingCharges", post_charges)]
