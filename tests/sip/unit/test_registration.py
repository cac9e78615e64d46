"""When a line refreshes its registration and how it backs off."""

from __future__ import annotations

import pytest

from connector.sip.registration import (
    BACKOFF_CAP_SECONDS,
    RegisterTarget,
    backoff_delay,
    granted_expires,
    min_expires,
    refresh_delay,
    register_request,
)
from tests.sip.unit.factories import response

CONTACT = "sip:1001@192.0.2.10:5060"
TARGET = RegisterTarget(user="1001", domain="hotel.test", contact_uri=CONTACT,
                        call_id="reg-1@x", from_tag="t1", user_agent="test")


@pytest.mark.parametrize(("granted", "refresh_after"), [
    (600, 480.0), (3600, 2880.0), (120, 90.0), (60, 30.0), (20, 16.0), (10, 8.0)])
def test_refresh_comes_well_before_expiry(granted: int, refresh_after: float) -> None:
    assert refresh_delay(granted) == refresh_after
    assert refresh_delay(granted) <= 0.8 * granted


def test_granted_expiry_comes_from_our_contact_then_the_expires_header() -> None:
    request = register_request(TARGET, cseq=1, expires=600)
    ok = response(request, 200, extra=(
        "Contact: <sip:1001@198.51.100.1:5060>;expires=900, "
        f"<{CONTACT}>;expires=300\r\nExpires: 100\r\n"))
    assert granted_expires(ok, CONTACT, 600) == 300
    only_header = response(request, 200, extra="Expires: 100\r\n")
    assert granted_expires(only_header, CONTACT, 600) == 100
    assert granted_expires(response(request, 200), CONTACT, 600) == 600


def test_interval_too_brief_names_the_minimum() -> None:
    request = register_request(TARGET, cseq=1, expires=60)
    assert min_expires(response(request, 423, extra="Min-Expires: 120\r\n")) == 120


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    assert [backoff_delay(n, 0.999999) for n in (1, 2, 3)] == pytest.approx([2, 4, 8], rel=1e-3)
    assert backoff_delay(1, 0.0) == 1.0
    assert backoff_delay(30, 0.999999) == pytest.approx(BACKOFF_CAP_SECONDS, rel=1e-3)


def test_register_binds_the_contact_and_unregister_asks_for_zero() -> None:
    request = register_request(TARGET, cseq=7, expires=0)
    assert request.uri == "sip:hotel.test"
    assert request.header("Contact") == f"<{CONTACT}>;expires=0"
    assert request.header("Expires") == "0"
    assert request.cseq == (7, "REGISTER")
    assert request.header("To") == "<sip:1001@hotel.test>"
