"""A hotel of a group: the account worker's delivery of the day's voicemail listing is kept
before the 200, kept once though delivered twice, and the hotel's own nightly sweep deletes
what a check-out left behind from it, once, with no listing of its own."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from starlette.applications import Starlette

from connector.account import feed
from connector.account.hotel_feed import FedVoicemails, FeedTaker
from connector.reconcile.purger import LOOKBACK
from connector.reconcile.voicemail_sweep import VoicemailSweep
from connector.web.routes_account_feed import account_feed_route
from connector.web.signing import signature_headers
from tests.account.group_factory import FEED_SECRET
from tests.reconcile.test_voicemail_index import LISTINGS, guest_stays, listing_calls
from tests.reconcile.voicemail_hotel import VoicemailHotel, voicemail_hotel


async def _post(app: Starlette, body: bytes, now: int, secret: str = FEED_SECRET,
                ) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hotel") as http:
        return await http.post("/v1/account/feed", content=body, headers={
            "content-type": "application/json", **signature_headers(body, [secret], now)})


async def _listing(vh: VoicemailHotel, day: date) -> bytes:
    """What the group's worker delivers this hotel: its rows of the account's one listing."""
    end = vh.hotel.now
    found = await vh.hotel.connector.api.list_account_voicemails(
        start=(end - LOOKBACK).date(), end=end.date() + timedelta(days=1))
    rows = [vm.model_dump(exclude_none=True) for vm in found]
    return feed.encode(feed.VoicemailListing(day, end - LOOKBACK, end, rows))


async def test_the_workers_listing_is_kept_once_and_the_sweep_deletes_what_was_left_once(
        tmp_path: Path) -> None:
    async with voicemail_hotel(tmp_path) as vh:
        hotel = vh.hotel
        store = hotel.connector.store
        fed = FedVoicemails(store)
        door = Starlette(routes=[account_feed_route(
            SecretStr(FEED_SECRET), FeedTaker(fed, None), hotel.sandbox.clock)])
        sweep = VoicemailSweep(
            api=hotel.connector.api, store=store, directory=hotel.connector.directory,
            purger=hotel.connector.purger, at="03:00",
            tz=ZoneInfo(hotel.settings.hotel.timezone), clock=hotel.sandbox.clock,
            registry=CollectorRegistry(), fed=fed)
        yesterday = hotel.now.date()
        await _post(door, await _listing(vh, yesterday), int(hotel.now.timestamp()))
        await sweep.run(yesterday)  # indexes the demo hotel's earlier messages
        reservation = await guest_stays(vh, "116")
        hotel.sandbox.webhooks.faults.lose()
        lost = hotel.leave_voicemail("116", minutes_ago=50)
        await vh.delivered()
        hotel.check_out("116", reservation)
        await hotel.settle()
        assert hotel.voicemail_ids("116") == {lost}  # the index never heard of it
        hotel.advance(hours=12)

        # The group's worker lists the account once and delivers this hotel its rows.
        today = yesterday + timedelta(days=1)
        body = await _listing(vh, today)
        now = int(hotel.now.timestamp())
        before = hotel.mark()
        forged = await _post(door, body, now, secret="x" * 24)
        first = await _post(door, body, now)
        again = await _post(door, body, now)  # its record was lost with a killed worker

        assert forged.status_code == 401
        assert first.json()["outcomes"] == {"stored": 1}
        assert again.json()["outcomes"] == {"duplicate": 1}
        day = sweep.due()
        assert day == today
        night = await sweep.run(day)
        assert sweep.due() is None  # applied once

        assert hotel.voicemail_ids("116") == set()
        assert night.listing == "account" and night.purged >= 1
        assert hotel.calls("delete_voicemail", since=before) == night.purged
        assert listing_calls(vh, before) == 0, LISTINGS  # the hotel listed nothing itself
        assert json.loads(store.meta("account.feed.voicemail_listing") or "{}")["day"] == (
            today.isoformat())
