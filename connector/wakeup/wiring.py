"""Building the wake-up scheduler from the connector's parts, in one call (for `serve`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.settings import Settings
from connector.settings.phone import TimeEntry
from connector.sip.api import Phone
from connector.store import Store
from connector.voice.voice import Voice
from connector.wakeup.metrics import WakeupMetrics
from connector.wakeup.phrases import Speech
from connector.wakeup.scheduler import AnswerReporter, WakeupScheduler
from connector.wakeup.script import Speaking


class ConnectorParts(Protocol):
    """What the scheduler takes from `connector.service.Connector`."""

    @property
    def settings(self) -> Settings: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def store(self) -> Store: ...
    @property
    def room_map(self) -> Mapping[str, str]: ...
    @property
    def room_listeners(self) -> list[Callable[[Sequence[str]], None]]: ...


def wakeup_scheduler(connector: ConnectorParts, *, phone: Phone, voice: Voice, speech: Speech,
                     reporter: AnswerReporter,
                     registry: CollectorRegistry | None = None) -> WakeupScheduler:
    """The scheduler for this connector, listening to its room changes. Run it with
    `await scheduler.run(stop)`. Times are spoken on the clock guests key them in
    (`CONNECTOR_IVR__TIME_ENTRY`)."""
    settings = connector.settings
    scheduler = WakeupScheduler(
        settings=settings.wakeup,
        store=connector.store,
        phone=phone,
        speaking=Speaking(voice=voice, speech=speech, tz=ZoneInfo(settings.hotel.timezone),
                          clock_24h=settings.ivr.time_entry is TimeEntry.H24),
        reporter=reporter,
        room_map=connector.room_map,
        clock=connector.clock,
        metrics=WakeupMetrics(registry),
    )
    connector.room_listeners.append(scheduler.rooms_changed)
    return scheduler
