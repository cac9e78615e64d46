"""Cloudbeds' form bodies: arrays of objects in bracket form, as its spec encodes them."""

from __future__ import annotations

from decimal import Decimal

from connector.pms.cloudbeds.forms import encode_form, form_pairs


def test_a_charge_item_is_spelled_with_brackets_and_absent_fields_are_left_out() -> None:
    pairs = form_pairs({"reservationID": "R1", "guestID": None, "items": [
        {"itemName": "Telephone", "itemQuantity": 1, "itemPrice": Decimal("12.50")}]})
    assert pairs == [("reservationID", "R1"), ("items[0][itemName]", "Telephone"),
                     ("items[0][itemQuantity]", "1"), ("items[0][itemPrice]", "12.50")]


def test_booleans_are_words_and_the_body_is_url_encoded() -> None:
    assert encode_form({"doNotDisturb": True, "roomComments": "a&b"}) == (
        b"doNotDisturb=true&roomComments=a%26b")
    assert form_pairs({"doNotDisturb": False}) == [("doNotDisturb", "false")]
