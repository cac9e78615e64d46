"""docs/ivr.md must say what the code reads and counts, and every prompt the services play
must be one the voice can say."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry

from connector.ivr.metrics import IvrMetrics
from connector.settings.phone import IvrSettings
from connector.settings.problems import env_name
from connector.voice.phrases import PHRASES
from tests.ivr.conftest import WAKEUP, MakeDesk
from tests.ivr.fakes import HangUp, keys

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ivr.md").read_text()


def test_every_ivr_setting_is_documented() -> None:
    names = [env_name(("ivr", field)) for field in IvrSettings.model_fields]

    assert [name for name in names if f"`{name}`" not in DOC] == []


def test_every_metric_is_documented() -> None:
    registry = CollectorRegistry()
    IvrMetrics(registry)
    names = {f"{metric.name}_total" for metric in registry.collect()}

    assert names and [name for name in sorted(names) if f"`{name}`" not in DOC] == []


async def test_every_prompt_the_services_play_is_in_the_phrase_table(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk(time_entry="12h", attendant_digits=2, code_out_of_order="8",
                     code_maintenance="9")
    desk.check_in("101")
    calls = [
        await desk.call("5550100", []),
        await desk.call("2101", [*keys("5"), *keys("8"), *keys("12#")]),
        await desk.call("2102", [*keys("9"), HangUp()]),
        await desk.call("2101", [*keys("1"), *keys("1399"), *keys("0715"), *keys("3"),
                                 *keys("2"), *keys("2"), *keys("0600"), *keys("1"),
                                 *keys("1")], dialled=WAKEUP),
        await desk.call("2101", [*keys("2")], dialled=WAKEUP),
        await desk.call("2101", [*keys("1"), *keys("9")], dialled=WAKEUP),
    ]
    played = {name for call in calls for name in call.heard}

    assert sorted(played - set(PHRASES)) == []
    assert {"not_a_guest_room", "enter_attendant", "wakeup_too_soon", "am_pm_choice",
            "wakeup_cancelled", "too_many_attempts", "wakeup_invalid_time"} <= played
