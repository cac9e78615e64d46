"""The account-wide Heavy listings the worker makes, as Zoom's raw rows: one listing of the
account's voicemails, one of its call history, each page one Heavy call through the shared
limiter (the daily budget of the whole account), each page behind the leader's deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from connector.account.effects import Effects
from connector.account.split import Row
from connector.billing.poll import FILTERS
from connector.billing.poll_plan import Window
from connector.zoom.api import ZoomApi
from connector.zoom.catalogue import endpoint
from connector.zoom.work_class import background_work


class Listings(Protocol):
    """Where the worker's rows come from (Zoom, or a test's account)."""

    async def voicemails(self, effects: Effects, begin: datetime,
                         end: datetime) -> list[Row]: ...

    async def calls(self, effects: Effects, window: Window) -> list[Row]: ...


class ZoomListings:
    """The listings made on Zoom with the connector's client (shared limiter included)."""

    def __init__(self, api: ZoomApi) -> None:
        self._api = api

    async def voicemails(self, effects: Effects, begin: datetime, end: datetime) -> list[Row]:
        listing = endpoint("list_account_voicemails")
        params = {"status": "all", "from": begin.date().isoformat(),
                  "to": (end.date() + timedelta(days=1)).isoformat()}
        return await self._pages(effects, "list the account's voicemails (account worker)",
                                 listing.name, params)

    async def calls(self, effects: Effects, window: Window) -> list[Row]:
        return await self._pages(effects, "list the account's outside calls (account worker)",
                                 "list_account_call_history", {**FILTERS, **window.query()})

    async def _pages(self, effects: Effects, intent: str, name: str,
                     params: dict[str, Any]) -> list[Row]:
        listing = endpoint(name)
        query: dict[str, Any] = {**params, "page_size": listing.max_page_size}
        rows: list[Row] = []
        while True:
            async def page(query: dict[str, Any] = query) -> Any:
                with background_work():
                    return await self._api.client.request(listing, params=query, intent=intent)
            body = await effects.zoom(f"zoom:{name}", page) or {}
            items = body.get(listing.items_field or "", [])
            rows += [dict(item) for item in items if isinstance(item, dict)]
            token = body.get("next_page_token")
            if not token:
                return rows
            query = {**query, "next_page_token": token}
