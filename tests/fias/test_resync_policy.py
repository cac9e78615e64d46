"""When the connector asks the PMS for a full resync (DR): plain values in, a reason out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.pms.fias.resync_policy import ResyncPolicy, ResyncRules

ROME = ZoneInfo("Europe/Rome")
# A Tuesday afternoon in Rome, well away from the daily 05:00.
STARTED = datetime(2026, 3, 10, 14, 0, tzinfo=ROME)


def policy(after_down: float = 900.0, daily_at: str | None = "05:00",
           started: datetime = STARTED) -> ResyncPolicy:
    return ResyncPolicy(ResyncRules.parse(after_down, daily_at, ROME), started_at=started)


def sent_now(resync: ResyncPolicy, now: datetime) -> str | None:
    """What a door polling at `now` does: send if due, and say why."""
    reason = resync.due(now)
    if reason is not None:
        resync.sent(now)
    return reason


def test_the_first_link_up_after_start_resyncs_and_only_once() -> None:
    resync = policy()
    assert resync.due(STARTED) is None  # not up yet: nothing to say
    resync.link_up(0.0)
    assert sent_now(resync, STARTED) == "first link-up since the connector started"
    assert resync.due(STARTED + timedelta(minutes=1)) is None


def test_a_short_gap_reconnects_without_a_resync() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    resync.link_down(100.0)
    resync.link_up(100.0 + 900.0)  # exactly the window: the PMS kept what it could not send
    assert resync.due(STARTED + timedelta(minutes=20)) is None


def test_a_long_gap_resyncs_at_the_reconnect() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    resync.link_down(100.0)
    resync.link_up(100.0 + 901.0)
    assert sent_now(resync, STARTED + timedelta(minutes=20)) == (
        "the link was down 901 s, longer than 900 s")
    assert resync.due(STARTED + timedelta(minutes=21)) is None


def test_flapping_adds_up_from_the_first_drop_only_while_down() -> None:
    resync = policy(after_down=60.0)
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    for start in (100.0, 200.0, 300.0):  # three 30 s outages: none is long
        resync.link_down(start)
        resync.link_up(start + 30.0)
        assert resync.due(STARTED) is None


def test_a_request_from_connector_sync_resyncs_once() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    resync.request()
    assert sent_now(resync, STARTED + timedelta(hours=1)) == (
        "asked for with `connector sync --pms`")
    assert resync.due(STARTED + timedelta(hours=1, seconds=5)) is None


def test_a_request_while_down_waits_for_the_link_and_one_dr_answers_both() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    resync.link_down(10.0)
    resync.request()
    resync.link_up(5000.0)
    reason = sent_now(resync, STARTED + timedelta(hours=2))
    assert reason == ("the link was down 4990 s, longer than 900 s; "
                      "asked for with `connector sync --pms`")


def test_the_daily_resync_runs_at_its_hotel_time_once_a_day() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    next_morning = datetime(2026, 3, 11, 5, 0, tzinfo=ROME)
    assert resync.due(next_morning - timedelta(seconds=1)) is None
    assert sent_now(resync, next_morning) == "the daily resync of 2026-03-11 05:00 CET"
    assert resync.due(next_morning + timedelta(hours=12)) is None
    assert sent_now(resync, next_morning + timedelta(days=1, seconds=3)) == (
        "the daily resync of 2026-03-12 05:00 CET")


def test_a_daily_moment_missed_while_down_is_sent_when_the_link_is_back() -> None:
    resync = policy()
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    resync.link_down(1000.0)  # 04:58 the next morning, say
    back = datetime(2026, 3, 11, 5, 3, tzinfo=ROME)
    resync.link_up(1300.0)  # a short gap: no resync for the gap itself
    assert sent_now(resync, back) == "the daily resync of 2026-03-11 05:00 CET"


def test_no_daily_resync_when_turned_off() -> None:
    resync = policy(daily_at=None)
    resync.link_up(0.0)
    sent_now(resync, STARTED)
    assert resync.due(STARTED + timedelta(days=3)) is None


def test_the_daily_resync_keeps_its_wall_time_across_both_dst_changes() -> None:
    # 02:30 does not exist on 29 March 2026 in Rome (02:00 -> 03:00) and happens twice on
    # 25 October 2026 (03:00 -> 02:00): one resync each day, at 03:30 and the first 02:30.
    started = datetime(2026, 3, 28, 12, 0, tzinfo=ROME)
    resync = policy(daily_at="02:30", started=started)
    resync.link_up(0.0)
    sent_now(resync, started)

    spring = datetime(2026, 3, 29, 1, 29, tzinfo=UTC)  # 03:29 CEST
    assert resync.due(spring) is None
    assert sent_now(resync, spring + timedelta(minutes=1)) == (
        "the daily resync of 2026-03-29 03:30 CEST")

    autumn_first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    resync.sent(autumn_first - timedelta(days=1))  # the days between went by as usual
    assert sent_now(resync, autumn_first) == "the daily resync of 2026-10-25 02:30 CEST"
    autumn_again = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, an hour later
    assert resync.due(autumn_again) is None
    assert resync.due(autumn_again + timedelta(hours=20)) is None  # still the 25th
