"""Many rooms at once over real SIP: a group wake-up on 24 lines, and wake-ups through a
network that loses SIP messages."""

from __future__ import annotations

from pathlib import Path

from connector.settings.phone import ConfirmMode, WakeupSettings
from connector.sip.api import DialStatus
from connector.voice.library import PromptLibrary
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.sipp import RunOptions, Sipp
from tests.sip.wakeup.hotel_phone import WAKE, Lines, fias_date_time, room_extensions, wakeup_hotel
from tests.sip.wakeup.room_trace import calls_received, messages_lost

RETRY_INTERVAL = 10.0  # half a real second on the hotel's clock


async def test_24_rooms_due_together_ring_at_once_on_24_lines(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    rooms = [str(n) for n in range(401, 425)]
    extensions = room_extensions(*rooms)
    # Each guest presses 9 half a second into the message (a digit cuts the message short).
    phones = {room: sipp.room(extensions[room], digit="9", digit_after_ms=500)
              for room in rooms}
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_AFTER,
                              retry_interval_seconds=RETRY_INTERVAL)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=extensions,
                            settings=settings, lines=Lines(count=24, first=1001)) as hotel:
        hotel.check_in(*rooms)
        hotel.set_wakeup(*rooms)
        await hotel.until_answered(rooms, within=30)
        due = hotel.clock.real_moment(WAKE)
        states = {room: (job.state, job.answer, job.tries) for room, job in hotel.jobs().items()}

    assert {room: hotel.answers_for(room) for room in rooms} == {
        room: [(*fias_date_time(WAKE), "OK")] for room in rooms}
    assert states == {room: ("done", "OK", 1) for room in rooms}
    assert sorted(dial.extension for dial in hotel.dials) == sorted(extensions.values())
    assert all(dial.status is DialStatus.ANSWERED for dial in hotel.dials)
    # Nobody waited for a line: every room was dialled at 07:00 and answered within a ring.
    late = [round(dial.started - due, 2) for dial in hotel.dials]
    assert all(0 <= seconds < 1.0 for seconds in late), late
    answered_after = [round(dial.ended - due, 2) for dial in hotel.dials]
    assert max(answered_after) < 2.0, answered_after
    for room, phone in phones.items():
        outcome = await phone.wait_async(10)
        assert outcome.ok and outcome.successful == 1, (room, outcome)


async def test_wakeups_get_through_when_the_network_loses_15_percent_of_sip(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    rooms = [str(n) for n in range(431, 441)]
    # One room phone answers all ten rooms: sipp draws its losses from an unseeded rand(),
    # so ten sipp processes with one call each would all drop the same (few, or no)
    # messages; one process taking every call loses different ones call after call. A call
    # sipp aborts (it does so on a re-sent INVITE while it waits for our ACK) never gets its
    # digit: that try is unconfirmed and retried. Lingering answers late retransmissions.
    # When sipp drops an INVITE it may never answer that call's retransmissions either: our
    # CANCEL then waits for Kamailio's own timeout (30 s) before the room is tried again.
    shared = sipp.room("2431", digit="1", digit_after_ms=500, ring_ms=1000, linger_ms=4000,
                       options=RunOptions(calls=30, lost=15, timeout=60))
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_BEFORE, ring_seconds=8, retries=2,
                              retry_interval_seconds=RETRY_INTERVAL, message_plays=1,
                              confirm_wait_seconds=3)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library,
                            rooms=dict.fromkeys(rooms, "2431"), settings=settings,
                            lines=Lines(count=10, first=1031)) as hotel:
        hotel.check_in(*rooms)
        hotel.set_wakeup(*rooms)
        await hotel.until_answered(rooms, within=60)
        states = {room: (job.state, job.answer) for room, job in hotel.jobs().items()}

    assert {room: hotel.answers_for(room) for room in rooms} == {
        room: [(*fias_date_time(WAKE), "OK")] for room in rooms}
    assert states == {room: ("done", "OK") for room in rooms}
    shared.stop()
    assert messages_lost(shared) > 0, "the room phone lost nothing: loss was not tested"
    # Every try that got through reached the phone once; none was placed twice.
    assert len(rooms) <= calls_received(shared) <= len(hotel.dials) <= 3 * len(rooms)
