"""The v1.3 operations a phone interface uses, answered as Cloudbeds does: each handler takes
the query (GET, DELETE) or the decoded form (POST) and returns the `data` of
`{"success": true, "data": …}` (with `count`/`total` for lists), or raises CloudbedsError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.sandbox.cloudbeds import views
from connector.sandbox.cloudbeds.state import CloudbedsError, CloudbedsState, Condition, Status

MAX_PAGE_SIZE = 100  # getReservations, getGuestsByStatus: "Max = 100"

# getGuestsByStatus' status -> the reservation status it lists.
_GUEST_STATUSES: dict[str, Status] = {
    "in_house": Status.CHECKED_IN, "not_checked_in": Status.CONFIRMED,
    "checked_out": Status.CHECKED_OUT, "canceled": Status.CANCELED,
}


@dataclass(frozen=True, slots=True)
class Answer:
    data: object
    count: int | None = None
    total: int | None = None

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"success": True}
        if self.data is not None:
            body["data"] = self.data
        if self.count is not None:
            body["count"], body["total"] = self.count, self.total
        return body


Params = Mapping[str, Any]
Handler = Callable[[CloudbedsState, Params], Answer]


def _required(params: Params, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CloudbedsError(400, f"Parameter {name} is required")
    return value.strip()


def _int(params: Params, name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or not value.isdigit() or int(value) < 1:
        raise CloudbedsError(400, f"Parameter {name} must be a positive whole number")
    return int(value)


def _bool(params: Params, name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise CloudbedsError(400, f"Parameter {name} must be true or false")


def _page(params: Params, rows: list[dict[str, object]], default_size: int,
          maximum: int | None = MAX_PAGE_SIZE) -> Answer:
    number, size = _int(params, "pageNumber", 1), _int(params, "pageSize", default_size)
    if maximum is not None and size > maximum:
        raise CloudbedsError(400, f"Parameter pageSize must be at most {maximum}")
    page = rows[(number - 1) * size: number * size]
    return Answer(page, count=len(page), total=len(rows))


def _when(params: Params, name: str) -> datetime | None:
    text = params.get(name)
    if not text:
        return None
    when = views.parse_stamp(str(text))
    if when is None:
        raise CloudbedsError(400, f"Parameter {name} is not a date and time")
    return when


def _property(state: CloudbedsState, params: Params, name: str = "propertyID") -> None:
    given = params.get(name)
    if isinstance(given, str) and given and state.property_id not in given.split(","):
        raise CloudbedsError(403, f"No access to property {given}")


def get_hotel_details(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    return Answer(views.hotel(state))


def get_rooms(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params, "propertyIDs")
    rooms = sorted(state.rooms.values(), key=lambda r: r.name)
    rows = [views.room(state, r) for r in rooms]
    answer = _page(params, rows, default_size=20, maximum=None)
    # getRooms groups its page of rooms by property.
    return Answer([{"propertyID": state.property_id, "rooms": answer.data}],
                  count=answer.count, total=answer.total)


def get_reservation(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    return Answer(views.reservation(state, state.reservation(
        _required(params, "reservationID"))))


def get_reservations(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    found = list(state.reservations.values())
    status = params.get("status")
    if status:
        found = [r for r in found if r.status.value == status]
    room_id = params.get("roomID")
    if room_id:
        if not (status or params.get("checkInFrom") or params.get("checkOutFrom")):
            raise CloudbedsError(400, "Filtering by roomID needs status or check-in/out dates")
        found = [r for r in found if r.room_id == room_id]
    modified_from, modified_to = _when(params, "modifiedFrom"), _when(params, "modifiedTo")
    found = [r for r in found if (modified_from is None or r.modified >= modified_from)
             and (modified_to is None or r.modified <= modified_to)]
    bounds = {name: _when(params, name) for name in
              ("checkInFrom", "checkInTo", "checkOutFrom", "checkOutTo")}
    days = {name: when.date() for name, when in bounds.items() if when is not None}
    found = [r for r in found
             if r.start >= days.get("checkInFrom", r.start)
             and r.start <= days.get("checkInTo", r.start)
             and r.end >= days.get("checkOutFrom", r.end)
             and r.end <= days.get("checkOutTo", r.end)]
    found.sort(key=lambda r: r.modified, reverse=True)
    with_guests = _bool(params, "includeGuestsDetails") is True
    return _page(params, [views.reservation_row(state, r, with_guests) for r in found],
                 default_size=100)


def get_guests_by_status(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    status = _required(params, "status")
    if status not in _GUEST_STATUSES:
        raise CloudbedsError(400, f"Parameter status must be one of {', '.join(_GUEST_STATUSES)}")
    wanted = _GUEST_STATUSES[status]
    found = sorted((r for r in state.reservations.values() if r.status is wanted),
                   key=lambda r: (r.modified, r.reservation_id))
    rows = [row for r in found for row in views.guest_rows(state, r)]
    return _page(params, rows, default_size=20)


def post_housekeeping_status(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    condition = params.get("roomCondition")
    if condition not in (None, "", *(c.value for c in Condition)):
        raise CloudbedsError(400, "Parameter roomCondition must be dirty, clean or inspected")
    comments = params.get("roomComments")
    room = state.housekeeping(
        _required(params, "roomID"), condition=Condition(condition) if condition else None,
        dnd=_bool(params, "doNotDisturb"), refused_service=_bool(params, "refusedService"),
        vacant_pickup=_bool(params, "vacantPickup"),
        comments=comments if isinstance(comments, str) else None)
    return Answer(views.housekeeping(state, room))


def post_custom_item(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    reservation_id = params.get("reservationID")
    if not reservation_id:
        if params.get("houseAccountID") or params.get("groupCode"):
            raise CloudbedsError(400, "The sandbox posts to reservations only")
        raise CloudbedsError(400, "Parameter reservationID is required")
    items = params.get("items")
    if not isinstance(items, list) or not items:
        raise CloudbedsError(400, "Parameter items is required")
    checked: list[dict[str, object]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise CloudbedsError(400, f"items[{i}] must be an item")
        try:
            quantity = int(item.get("itemQuantity", ""))
            price = float(item.get("itemPrice", ""))
        except ValueError:
            raise CloudbedsError(400, f"items[{i}]: itemQuantity and itemPrice are numbers"
                                 ) from None
        name = item.get("itemName")
        if not isinstance(name, str) or not name:
            raise CloudbedsError(400, f"items[{i}]: itemName is required")
        checked.append({**item, "itemQuantity": quantity, "itemPrice": price})
    reference = params.get("referenceID")
    posted, before = state.post_items(
        str(reservation_id), reference if isinstance(reference, str) and reference else None,
        checked)
    data = {"soldProductID": posted.sold_product_id, "transactionID": posted.transaction_id}
    if before:
        data["notice"] = (f"referenceID {reference} was already posted: nothing was created "
                          "or updated")
    return Answer(data)


def get_webhooks(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    return Answer([views.webhook(state, s) for s in state.subscriptions.values()])


def post_webhook(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params)
    sub = state.subscribe(_required(params, "object"), _required(params, "action"),
                          _required(params, "endpointUrl"))
    return Answer({"subscriptionID": sub.subscription_id})


def delete_webhook(state: CloudbedsState, params: Params) -> Answer:
    _property(state, params, "propertyIDs")
    state.unsubscribe(_required(params, "subscriptionID"))
    return Answer(None)


# (method, operation path) -> handler
OPERATIONS: dict[tuple[str, str], Handler] = {
    ("GET", "/getHotelDetails"): get_hotel_details,
    ("GET", "/getRooms"): get_rooms,
    ("GET", "/getReservation"): get_reservation,
    ("GET", "/getReservations"): get_reservations,
    ("GET", "/getGuestsByStatus"): get_guests_by_status,
    ("POST", "/postHousekeepingStatus"): post_housekeeping_status,
    ("POST", "/postCustomItem"): post_custom_item,
    ("GET", "/getWebhooks"): get_webhooks,
    ("POST", "/postWebhook"): post_webhook,
    ("DELETE", "/deleteWebhook"): delete_webhook,
}
