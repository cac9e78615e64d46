"""One process: the web door, the FIAS door, the reconciler, the directory refresh and the
telephone side (SIP lines, wake-up calls, room-phone services), until SIGTERM. Shutdown is
graceful: stop accepting webhooks, let rooms in flight finish (their state is on disk either
way), say LE on the FIAS link, hang up and unregister the lines, close the store."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Generator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import uvicorn
from prometheus_client import REGISTRY, CollectorRegistry

from connector.account.hotel_feed import FedVoicemails, FeedTaker
from connector.billing.call import CallSink
from connector.billing.charge_reader import charge_reader_for
from connector.billing.pipeline import Rater
from connector.billing.poll import CallHistoryPoll, start_call_history_poll
from connector.billing.wiring import Billing, open_billing
from connector.billing.wiring import missing as missing_for_billing
from connector.clock import Clock, SystemClock
from connector.guest_service.presence_intake import PresenceIntake
from connector.logs import install_debug_toggle
from connector.pms.reporter import Reporter
from connector.pms.reporter_channels import choose_channel
from connector.privacy.retention import Retention
from connector.reconcile.voicemail_intake import VoicemailIntake
from connector.reconcile.voicemail_sweep import VoicemailSweep
from connector.serve.http_limits import uvicorn_config
from connector.serve.phone_side import PhoneSide
from connector.service import Connector
from connector.settings import Settings
from connector.settings.cloud_pms import CLOUD_KINDS
from connector.settings.model import FiasMode
from connector.web.app import create_app
from connector.web.console.parts import ConsoleParts
from connector.web.readiness import ReadinessCheck
from connector.web.routes_account_feed import account_feed_route
from connector.web.routes_zoom import ZoomDoor, ZoomHandler
from connector.zoom.voicemail_events import VOICEMAIL_EVENTS
from connector.zoom.webhooks import PRESENCE_UPDATED

if TYPE_CHECKING:
    from connector.pms.cloud.contract import CloudPms
    from connector.pms.cloud.door import CloudDoor
    from connector.serve.fias_door import FiasDoor

log = logging.getLogger("connector.serve")


class _Server(uvicorn.Server):
    """uvicorn, leaving signals to us: one SIGTERM stops every part, not just the web."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class Service:
    """The running connector. `run()` returns after `stop` is set and everything has shut down."""

    def __init__(
        self,
        settings: Settings,
        connector: Connector,
        *,
        clock: Clock,
        registry: CollectorRegistry,
        call_sink: CallSink | None = None,
        rate: Rater | None = None,
        cloud_pms: CloudPms | None = None,
    ) -> None:
        """`cloud_pms`: the cloud PMS adapter, when not the one CONNECTOR_PMS__KIND builds
        (tests give a fake)."""
        self.settings = settings
        self.connector = connector
        self._clock = clock
        self._registry = registry
        self.call_poll: CallHistoryPoll | None = None
        self.phone: PhoneSide | None = None
        self.stop = asyncio.Event()
        self._accepting = True
        tz = ZoneInfo(settings.hotel.timezone)
        self.fias: FiasDoor | None = None
        checks: list[ReadinessCheck] = []
        if settings.fias.mode is not FiasMode.OFF:
            # Imported only with a link: its transport, session and inbound mapping are
            # memory a hotel on webhooks alone would carry for nothing.
            from connector.serve.fias_door import FiasDoor

            self.fias = FiasDoor(
                settings.fias, connector, tz=tz, clock=clock, registry=registry,
                on_posting_answer=lambda record: self.reporter.on_posting_answer(record),
                on_link_up=lambda: self.reporter.nudge(),
                on_night_audit=lambda started: self.reporter.on_night_audit(started=started),
            )
            checks.append(self.fias.readiness)
        self.cloud: CloudDoor | None = None
        if settings.pms_kind() in CLOUD_KINDS:
            # Imported only for a cloud PMS, and the vendor's package only for its kind.
            from connector.pms.cloud.door import CloudDoor
            from connector.pms.cloud.loading import build_adapter

            adapter = cloud_pms if cloud_pms is not None else build_adapter(
                settings, settings.pms_kind(), tz=tz, clock=clock, registry=registry)
            self.cloud = CloudDoor(adapter, connector, tz=tz, clock=clock, registry=registry)
            checks.append(self.cloud.readiness)
        # Reports back to the PMS go to the cloud PMS when the hotel has one, over FIAS when
        # there is a link, else to the callback URL.
        channel = choose_channel(settings.reporter, settings.webhook,
                                 self.fias.endpoint if self.fias else None,
                                 settings.fias.posting_fields(),
                                 cloud_pms=self.cloud.adapter if self.cloud else None)
        self.reporter = Reporter(connector.store, channel, tz=tz, clock=clock,
                                 registry=registry)
        self._checks = checks  # read at every /readyz: the phone side adds its own when open
        # Zoom's webhooks: presence changes tell us the DND a guest set on the room phone;
        # call history, the calls to charge (with `rate`, the hotel's tariff).
        handlers: dict[str, ZoomHandler] = {
            PRESENCE_UPDATED: PresenceIntake(connector, self.reporter)}
        # Voicemail events feed the voicemail index (used by purges with VOICEMAIL_WEBHOOKS).
        voicemails = VoicemailIntake(connector.store)
        handlers.update(dict.fromkeys(VOICEMAIL_EVENTS, voicemails))
        # A call-history webhook that comes late is a Zoom retry: the poll looks at once.
        self.billing: Billing | None = open_billing(settings, connector, self.reporter, rate,
                                                    clock=clock, registry=registry,
                                                    on_late_webhook=self._nudge_call_poll)
        if self.billing is not None:
            handlers.update(self.billing.handlers)
        # Where the call-history poll hands the calls it lists: call accounting's intake
        # (tests may give their own); with none, call accounting is off and no poll runs.
        self._call_sink = call_sink if call_sink is not None else (
            self.billing.intake if self.billing is not None else None)
        zoom = ZoomDoor(settings.zoom.webhook_secret_token, handlers)
        # The console's actions and Health page: the phone side joins when it opens.
        self.console_parts = ConsoleParts(reporter=self.reporter, fias=self.fias,
                                          readiness=checks,
                                          billing_missing=missing_for_billing(settings),
                                          billing_on=self.billing is not None,
                                          cloud=self.cloud)
        extra_routes = list(self.cloud.adapter.routes(self.cloud) if self.cloud is not None
                            else ())
        if settings.account.feed_secret is not None:
            # A hotel of a group: the account worker delivers its rows of the Heavy listings.
            extra_routes.append(account_feed_route(
                settings.account.feed_secret,
                FeedTaker(FedVoicemails(connector.store), self._call_sink), clock))
        self.app = create_app(lambda: connector if self._accepting else None, settings.webhook,
                              clock=clock, registry=registry, readiness_checks=checks,
                              zoom=zoom, console=settings.console, hotel_tz=tz,
                              reporter=self.reporter, console_parts=self.console_parts,
                              extra_routes=extra_routes)
        self.web = _Server(uvicorn_config(self.app, settings.server))

    def _nudge_call_poll(self) -> None:
        if self.call_poll is not None:
            self.call_poll.nudge()

    async def open_phone(self) -> PhoneSide:
        """The telephone side; apart from __init__ because reading SIP lines from Zoom and
        loading the prompts take awaits. `run()` opens it when nobody did."""
        if self.phone is None:
            self.phone = await PhoneSide.open(self.settings, self.connector, self.reporter,
                                              clock=self._clock, registry=self._registry)
            self._checks.append(self.phone.readiness)
            self.console_parts.phone = self.phone
            self.console_parts.recorder = self.phone.ivr.recorder
        return self.phone

    async def run(self) -> None:
        connector = self.connector
        phone = await self.open_phone()
        # What start-up built (the directory, the room map, modules) lives as long as the
        # process: out of the collector's sight, a collection no longer walks it.
        gc.collect()
        gc.freeze()
        parts = [
            asyncio.create_task(self.web.serve(), name="web"),
            asyncio.create_task(connector.reconciler.run(self.stop), name="reconciler"),
            asyncio.create_task(connector.directory.run(self.stop), name="directory"),
            asyncio.create_task(self.reporter.run(), name="reporter"),
            asyncio.create_task(phone.run(self.stop), name="phone"),
        ]
        if self.fias is not None:
            parts.append(asyncio.create_task(self.fias.run(self.stop), name="fias"))
        if self.cloud is not None:
            parts.append(asyncio.create_task(self.cloud.run(self.stop), name="cloud_pms"))
        retention = Retention(connector.store, self.settings.privacy,
                              tz=ZoneInfo(self.settings.hotel.timezone), clock=self._clock)
        parts.append(asyncio.create_task(retention.run_forever(self.stop), name="retention"))
        if self.settings.reconcile.voicemail_webhooks:
            sweep = VoicemailSweep(
                api=connector.api, store=connector.store, directory=connector.directory,
                purger=connector.purger, at=self.settings.reconcile.voicemail_sweep_at,
                tz=ZoneInfo(self.settings.hotel.timezone), clock=self._clock,
                registry=self._registry,
                fed=FedVoicemails(connector.store) if self.settings.account.worker else None)
            parts.append(asyncio.create_task(sweep.run_forever(self.stop),
                                             name="voicemail_sweep"))
        # In a group with an account worker, the worker lists the calls for every hotel.
        if self._call_sink is not None and not self.settings.account.worker:
            charges = None if self.billing is None else charge_reader_for(
                connector.api, connector.store, self.billing.pipeline, clock=self._clock,
                wait_hours=self.settings.billing.carrier_charge_wait_hours)
            started = start_call_history_poll(
                connector.api, self._call_sink, connector.store, settings=self.settings.billing,
                plan=self.settings.zoom.plan, clock=self._clock, stop=self.stop,
                registry=self._registry, charges=charges)
            if started is not None:
                self.call_poll, poll_task = started
                parts.append(poll_task)
        log.info("connector serving", extra={
            "web": f"http://{self.settings.server.host}:{self.settings.server.port}",
            "fias": self.settings.fias.mode.value, "pms": self.settings.pms_kind().value,
            "rooms": len(connector.room_map),
            "sip_lines": phone.phone.lines_total})
        stopper = asyncio.create_task(self.stop.wait())
        done, _ = await asyncio.wait([stopper, *parts], return_when=asyncio.FIRST_COMPLETED)
        crashed = [t for t in done if t is not stopper and t.exception() is not None]
        if crashed:
            log.error("a part of the connector stopped: %s", crashed[0].get_name(),
                      exc_info=crashed[0].exception())
        await self.shutdown(parts)
        if crashed:
            raise RuntimeError(f"the {crashed[0].get_name()} part stopped") from (
                crashed[0].exception())

    async def shutdown(self, parts: list[asyncio.Task[None]]) -> None:
        log.info("shutting down: no new webhooks; finishing rooms in flight")
        self._accepting = False  # the webhook answers 503 + Retry-After from now on
        await self.reporter.stop(grace=5)  # before the FIAS link says LE
        self.stop.set()
        self.connector.store.notices.close()  # open console event streams end
        self.web.should_exit = True
        await asyncio.gather(*parts, return_exceptions=True)
        if self.cloud is not None:
            await self.cloud.adapter.close()
        await self.connector.close()
        gc.unfreeze()  # a process that serves again (the tests) starts as it did
        log.info("connector stopped")


async def serve(settings: Settings, *, clock: Clock | None = None,
                registry: CollectorRegistry | None = None, rate: Rater | None = None) -> None:
    """Open every part, serve until SIGTERM or SIGINT, then shut down gracefully. `rate`:
    the hotel's tariff applied to a call (None: read from CONNECTOR_BILLING__TARIFF_FILE)."""
    clock = clock or SystemClock()
    registry = registry if registry is not None else REGISTRY
    if rate is None and settings.billing.tariff_file is not None:
        # Imported only with a tariff: the tariff's YAML and ISO 4217 tables cost ~2 MB.
        from connector.billing.tariff_rater import tariff_rater

        rate = tariff_rater(settings.billing.tariff_file)
    connector = await Connector.open(settings, clock=clock, registry=registry)
    try:
        service = Service(settings, connector, clock=clock, registry=registry, rate=rate)
    except BaseException:
        await connector.close()
        raise
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, service.stop.set)
    install_debug_toggle()
    await service.run()
