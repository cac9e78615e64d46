"""Converge, don't replay: whatever the PMS says, in whatever batches, with the reconciler at
work at whatever moments, Zoom ends up as if only the final desired state had been applied;
and the same events sent again change nothing.

Each example tells one story (`stories.py`) to two hotels (`two_hotels.py`):

- hotel A lives through it: events arrive in batches at their times, the reconciler drains
  at random moments (so intermediate states really reach Zoom, and DND flip-flops meet Zoom's
  one presence update a minute), voicemails are left on the way, some events come twice,
  Zoom answers in a varied order, and the connector may crash in the middle of a drain and
  start again on its database;
- hotel B is told it at the end: every event folded into a store, then a connector opened on
  it drains once.

Both are then run until neither has anything to do at the same sandbox time, and what Zoom
shows for every room phone is compared: names and department, presence, international
calling, the home-country rule, and the voicemails left. Voicemail is also checked against
the final desired state itself: a message left before the room's `no_voicemail_before` is
gone, any other stays. Then the time moves on (3 and 26 hours: DNDs end, or must be
re-asserted past Zoom's 24 hours) and the two are compared again.

Idempotence: once settled, another drain calls nothing; every event sent again (as one batch
and one by one) is a duplicate, and Zoom, the request log and the store stay as they were.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings

from connector.rooms.planner import Target
from connector.settings import Settings
from tests.property.stories import Story, stories, t
from tests.property.two_hotels import (
    DRAIN_TURNS,
    Hotel,
    assert_voicemail_follows_desired_state,
    hotel_settings,
    journal,
    open_hotel,
    play_as_it_happens,
    raw_zoom,
    run_both_until,
    settle_together,
    told_at_the_end,
    zoom_view,
)


@pytest.fixture(scope="module")
def settings_(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return hotel_settings(tmp_path_factory.mktemp("convergence"))


@settings(max_examples=120, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(story=stories())
def test_zoom_ends_as_the_final_desired_state_whatever_the_path(
    settings_: Settings, story: Story
) -> None:
    asyncio.run(_check(settings_, story))


async def _check(settings_: Settings, story: Story) -> None:
    country = settings_.hotel.country
    async with open_hotel(settings_, story, latency_seed=story.latency_seed) as a, \
            open_hotel(settings_, story, store=told_at_the_end(story)) as b:
        await play_as_it_happens(a, story)
        for voicemail in story.voicemails:
            b.leave_voicemail(voicemail.room, voicemail.at)
        await b.drain()

        await settle_together(a, b)
        _assert_same_desired_state(a, b)
        _assert_same_zoom(a, b, country, "at the end of the story")
        for hotel in (a, b):
            await _assert_nothing_more_to_do(hotel, story)

        for hours in (3, 26):
            await run_both_until(a, b, story.end + timedelta(hours=hours))
            await settle_together(a, b)
            _assert_same_zoom(a, b, country, f"{hours} hours after the story")
        _label(a, b)


def _assert_same_desired_state(a: Hotel, b: Hotel) -> None:
    def content(hotel: Hotel) -> dict[str, dict[str, Any]]:
        # Inbox seqs are bookkeeping: a duplicate uses one up, so they differ by path.
        return {room: state.model_dump(exclude={"version": True,
                                                "stays": {"__all__": {"seen_seq"}}})
                for room, state in hotel.connector.store.all_rooms().items()}

    assert content(a) == content(b), "the same events folded to different desired states"


def _assert_same_zoom(a: Hotel, b: Hotel, country: str, when: str) -> None:
    for hotel, label in ((a, "A"), (b, "B")):
        assert hotel.connector.store.failures() == [], f"hotel {label} has failed rooms"
    assert zoom_view(a, country) == zoom_view(b, country), (
        f"Zoom differs {when} ({t(a.clock.now())}) between living through the story (A) "
        f"and being told its end (B)\nA did: {journal(a)}\nB did: {journal(b)}")
    assert_voicemail_follows_desired_state(a, "A")
    assert_voicemail_follows_desired_state(b, "B")


async def _assert_nothing_more_to_do(hotel: Hotel, story: Story) -> None:
    zoom, rooms, calls = raw_zoom(hotel), hotel.connector.store.all_rooms(), len(hotel.sandbox.log)

    await hotel.drain()
    assert len(hotel.sandbox.log) == calls, "a drain with nothing due called Zoom"

    again = hotel.connector.ingest(story.events)
    assert all(r.duplicate for r in again), "an event sent twice was not taken as a duplicate"
    for repeat in story.events:  # and one by one, as a PMS that redelivers would
        assert hotel.connector.ingest([repeat])[0].duplicate
    await hotel.drain()

    new = list(hotel.sandbox.log)[calls:]
    assert new == [], f"the same events again called Zoom: {[(e.method, e.path) for e in new]}"
    assert hotel.connector.store.all_rooms() == rooms
    assert raw_zoom(hotel) == zoom


def _label(a: Hotel, b: Hotel) -> None:
    """For `--hypothesis-show-statistics`: how often the paths that matter were taken."""
    changes = [e.change for e in a.connector.store.journal_entries(limit=1000)]
    for label, prefix in (("A set DND", "set DND"), ("A cleared DND", "clear DND"),
                          ("A purged voicemail", "delete voicemail"),
                          ("A blocked international", "block international")):
        if any(c.startswith(prefix) for c in changes):
            event(label)
    if sum(c.startswith("set DND") for c in changes) > 1:
        event("A set DND more than once")
    if a.crashed_mid_drain:
        event("A crashed in the middle of a drain")
    if len(changes) > len(b.connector.store.journal_entries(limit=1000)):
        event("A made more changes than B")
    if any(vm not in a.sandbox.account.voicemails for vm in a.voicemails):
        event("a voicemail was purged")


# -- what the property found, kept as plain examples ---------------------------------------


class HeldVoicemailListing(httpx.AsyncBaseTransport):
    """Zoom, with every voicemail listing held until `release()`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self._released = asyncio.Event()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/voice_mails"):
            self.held += 1
            await self._released.wait()
        return await self._inner.handle_async_request(request)

    def release(self) -> None:
        self._released.set()


async def test_a_purge_asked_for_while_another_is_listing_is_not_stranded(
    settings_: Settings,
) -> None:
    # Found by the property: 102's purge came while 101's batch was listing voicemail. The
    # batch task was still running, so 102 started none, and waited for ever (drain() never
    # returned). Now it is the next batch.
    zoom: list[HeldVoicemailListing] = []

    def hold(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        zoom.append(HeldVoicemailListing(inner))
        return zoom[0]

    story = Story((("101", 90), ("102", 90)), ())
    async with open_hotel(settings_, story, transport=hold) as hotel:
        purger, before = hotel.connector.purger, hotel.clock.now()
        first = asyncio.ensure_future(purger.purge(_target(hotel, "101"), before))
        await _until(lambda: zoom[0].held == 1)
        second = asyncio.ensure_future(purger.purge(_target(hotel, "102"), before))
        zoom[0].release()
        await _until(lambda: first.done() and second.done())

        assert first.result() >= 1 and second.result() >= 1
        assert not set(hotel.voicemails) & set(hotel.sandbox.account.voicemails)


def _target(hotel: Hotel, room: str) -> Target:
    owner = hotel.connector.directory.by_room(room)
    assert owner is not None
    return Target(owner.kind, owner.id, owner.extension)


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(DRAIN_TURNS):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("still waiting after many event-loop turns")
