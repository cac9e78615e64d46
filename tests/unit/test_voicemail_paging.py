"""The account's voicemail listing is paged by offset: a delete made between two of its pages
moves every later message up one place, and the message that crossed the page boundary is
never seen. In a 2,000-room checkout rush (more than one page of voicemail on the account) one
batch's deletes ran while the next batch listed, and a message left before a stay survived."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import httpx
import respx

from connector.reconcile.listing_gate import ListingGate
from connector.reconcile.purger import VoicemailPurger
from connector.rooms.planner import Target
from connector.sandbox.pagination import Pager
from connector.zoom.api import ZoomApi
from tests.support.fake_clock import FakeClock

PAGE = 300


class AccountMailboxes:
    """Zoom's side: every voicemail of the account, newest first, paged from a live list."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._pager = Pager()
        self.messages: dict[str, tuple[str, str]] = {}  # id → (owner id, date_time)
        self.deleted: list[str] = []
        self.first_delete = asyncio.Event()
        self.deletes_between_pages = 0
        self._paging = False

    def leave(self, vm_id: str, owner: str, hours_ago: float) -> None:
        left = self._clock.now() - timedelta(hours=hours_ago)
        self.messages[vm_id] = (owner, left.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def listing(self, request: httpx.Request) -> httpx.Response:
        newest_first = sorted(self.messages.items(), key=lambda kv: kv[1][1], reverse=True)
        page = self._pager.page(
            newest_first, listing="account", size=int(request.url.params["page_size"]),
            token=request.url.params.get("next_page_token"), now=self._clock.now())
        self._paging = bool(page.next_page_token)
        return httpx.Response(200, json={
            "next_page_token": page.next_page_token, "page_size": page.page_size,
            "total_records": page.total_records,
            "voice_mails": [{"id": vm_id, "date_time": when, "owner": {"id": owner}}
                            for vm_id, (owner, when) in page.items],
        })

    def delete(self, request: httpx.Request) -> httpx.Response:
        vm_id = request.url.path.rsplit("/", 1)[-1]
        if self.messages.pop(vm_id, None) is None:
            return httpx.Response(404, json={"code": 404, "message": "Voicemail does not exist"})
        self.deleted.append(vm_id)
        self.first_delete.set()
        self.deletes_between_pages += self._paging
        return httpx.Response(204)


def _mailboxes(router: respx.MockRouter, clock: FakeClock) -> AccountMailboxes:
    zoom = AccountMailboxes(clock)
    router.get(path__regex=r"/v2/phone/voice_mails$").mock(side_effect=zoom.listing)
    router.delete(path__regex=r"/v2/phone/voice_mails/[^/]+$").mock(side_effect=zoom.delete)
    return zoom


def _room(number: str) -> Target:
    return Target("common_area", f"ca{number}", f"2{number}")


async def test_a_message_on_the_second_page_survives_no_deletes_made_while_it_is_listed(
    router: respx.MockRouter, clock: FakeClock, zoom_api: ZoomApi
) -> None:
    zoom = _mailboxes(router, clock)
    # Room 208's last guest got 20 messages this morning: the newest on the account.
    for n in range(20):
        zoom.leave(f"vm-208-{n}", "ca208", hours_ago=1 + n / 60)
    # Then the staff lines' messages, and room 209's from before its stay, which straddle the
    # boundary between the first page and the second.
    for n in range(PAGE - 30):
        zoom.leave(f"vm-staff-{n}", "staff", hours_ago=3 + n / 60)
    for n in range(40):
        zoom.leave(f"vm-209-{n}", "ca209", hours_ago=200 + n / 60)
    for n in range(40):
        zoom.leave(f"vm-old-staff-{n}", "staff", hours_ago=300 + n)
    purger = VoicemailPurger(zoom_api, clock, window=0.5)
    check_out = clock.now()

    # Room 208 checks out; room 209 a moment later, in the next batch.
    first = asyncio.create_task(purger.purge(_room("208"), check_out))
    await asyncio.wait_for(zoom.first_delete.wait(), timeout=5)
    second = asyncio.create_task(purger.purge(_room("209"), check_out))

    assert await first == 20
    assert await second == 40
    assert not [vm for vm, (owner, _) in zoom.messages.items() if owner == "ca209"]
    assert zoom.deletes_between_pages == 0


async def test_a_listing_cancelled_while_it_waits_does_not_hold_deletes_back() -> None:
    gate = ListingGate()
    deleting = gate.deleting()
    await deleting.__aenter__()

    async def list_account() -> None:
        async with gate.listing():
            pass

    waiting = asyncio.create_task(list_account())
    await asyncio.sleep(0)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    await deleting.__aexit__(None, None, None)

    async with asyncio.timeout(1), gate.deleting():
        pass
