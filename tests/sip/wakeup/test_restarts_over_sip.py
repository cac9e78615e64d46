"""A crash in the middle of a group wake-up, over real SIP: after the restart no room is
called more often than its tries allow, and the PMS gets exactly one answer per wake-up."""

from __future__ import annotations

from pathlib import Path

from connector.settings.phone import ConfirmMode, WakeupSettings
from connector.sip.api import DialStatus
from connector.voice.library import PromptLibrary
from tests.sip.peers.kamailio import Kamailio
from tests.sip.peers.sipp import RunOptions, Sipp
from tests.sip.wakeup.hotel_phone import WAKE, Lines, fias_date_time, room_extensions, wakeup_hotel
from tests.sip.wakeup.room_trace import calls_received


async def test_a_crash_mid_schedule_calls_no_room_twice_for_one_try_and_answers_once(
    kamailio: Kamailio, sipp: Sipp, prompt_library: PromptLibrary, tmp_path: Path
) -> None:
    rooms = [str(n) for n in range(451, 457)]
    extensions = room_extensions(*rooms)
    phones = {room: sipp.room(extensions[room], digit="9", digit_after_ms=500,
                              options=RunOptions(calls=2, timeout=60))
              for room in rooms}
    settings = WakeupSettings(confirm=ConfirmMode.PRESS_AFTER, retries=1,
                              retry_interval_seconds=10)
    async with wakeup_hotel(kamailio, tmp_path, prompt_library, rooms=extensions,
                            settings=settings, lines=Lines(count=2, first=1051)) as hotel:
        hotel.check_in(*rooms)
        hotel.set_wakeup(*rooms)
        # Six rooms due at 07:00 on two lines: two are answered, four wait for a line.
        await hotel.until(lambda: len(hotel.dials) == 2, within=10, what="two rooms answered")
        rang = {dial.extension for dial in hotel.dials}
        assert all(dial.status is DialStatus.ANSWERED for dial in hotel.dials), hotel.dials
        # Only the tries that have a line are started; the other four wait, still pending.
        states = {room: job.state for room, job in hotel.jobs().items()}
        assert sorted(states.values()) == ["calling"] * 2 + ["pending"] * 4, states
        await hotel.crash()
        assert hotel.answers() == []

        await hotel.start()
        await hotel.until_answered(rooms, within=30)
        jobs = hotel.jobs()

    # The two tries cut off count as failed and were tried once more (retries=1); the four
    # rooms that never rang before the crash were confirmed on their first try.
    assert {room: hotel.answers_for(room) for room in rooms} == {
        room: [(*fias_date_time(WAKE), "OK")] for room in rooms}
    rang_rooms = {room for room, extension in extensions.items() if extension in rang}
    assert {room: (job.state, job.answer, job.tries) for room, job in jobs.items()} == {
        room: ("done", "OK", 2 if room in rang_rooms else 1) for room in rooms}
    # The two rooms ringing at the crash were called again; the others only once.
    for phone in phones.values():
        phone.stop()
    calls = {extensions[room]: calls_received(phone) for room, phone in phones.items()}
    assert calls == {extension: 2 if extension in rang else 1
                     for extension in extensions.values()}
