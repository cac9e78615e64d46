"""Deliveries to a hotel's connector over HTTP: a Zoom event re-signed with the hotel's own
Zoom secret token (its `POST /zoom/events` verifies as if Zoom sent it), and the worker's
rows signed with the feed secret (`POST /v1/account/feed`, our PMS webhook's scheme)."""

from __future__ import annotations

import enum

import httpx

from connector.account.group import Hotel
from connector.web.signing import signature_headers
from connector.web.zoom_signing import zoom_headers

ZOOM_EVENTS_PATH = "/zoom/events"
FEED_PATH = "/v1/account/feed"


class Delivery(enum.Enum):
    """What the hotel made of a delivery."""

    STORED = "stored"  # it answered 2xx: what it keeps is on its disk
    REFUSED = "refused"  # it answered 4xx: sending the same again will not help
    DOWN = "down"  # no answer, a timeout or a 5xx: try again later


def _verdict(status: int) -> Delivery:
    if 200 <= status < 300:
        return Delivery.STORED
    # 408 and 429 are "later", not "never".
    if 400 <= status < 500 and status not in (408, 429):
        return Delivery.REFUSED
    return Delivery.DOWN


async def forward_zoom_event(client: httpx.AsyncClient, hotel: Hotel, body: bytes, *,
                             secret: str, now: int) -> Delivery:
    """Send Zoom's raw body to the hotel, signed at `now` with the hotel's Zoom token."""
    headers = {"content-type": "application/json", **zoom_headers(body, secret, now)}
    try:
        answer = await client.post(hotel.base_url + ZOOM_EVENTS_PATH, content=body,
                                   headers=headers)
    except httpx.HTTPError:
        return Delivery.DOWN
    return _verdict(answer.status_code)


async def deliver_feed(client: httpx.AsyncClient, hotel: Hotel, body: bytes, *,
                       secret: str, now: int) -> Delivery:
    """Send one feed document (JSON) to the hotel, signed with the feed secret."""
    headers = {"content-type": "application/json", **signature_headers(body, [secret], now)}
    try:
        answer = await client.post(hotel.base_url + FEED_PATH, content=body, headers=headers)
    except httpx.HTTPError:
        return Delivery.DOWN
    return _verdict(answer.status_code)
