"""The FIAS door: the link to the PMS, built from settings, and what arrives on it turned into
stored events. Posting answers (PA) and the night audit (NS … NE) go to whoever handles
postings. It also sends DR when the `ResyncPolicy` says so, including on a request
`connector sync --pms` left in the store."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from prometheus_client import CollectorRegistry, Counter, Gauge

from connector.clock import Clock
from connector.pms.fias.codec import Malformed, Record
from connector.pms.fias.config import LinkConfig
from connector.pms.fias.errors import LinkNotUp, MappingError
from connector.pms.fias.inbound import InboundTranslator
from connector.pms.fias.link_events import LinkDown, LinkUp, RecordReceived
from connector.pms.fias.mapping import EVENT_TYPES
from connector.pms.fias.resync_policy import RESYNC_REQUEST_KEY, ResyncPolicy, ResyncRules
from connector.pms.fias.transport import FiasClient, FiasServer
from connector.serve.fias_watch import FiasWatch
from connector.service import Connector
from connector.settings.model import FiasMode, FiasSettings
from connector.store import StoreError
from connector.web.schemas import Check

log = logging.getLogger("connector.fias")

# How often the door looks for a resync request and the daily resync moment.
RESYNC_POLL_SECONDS = 5.0
# The last records kept in memory for the console's Health page (their type and time only).
RECENT_RECORDS = 20


@dataclass(frozen=True)
class RecentRecord:
    """A record received on the link, as the IT person sees it: when, and its type (never
    its fields: they hold guest names)."""

    at: datetime
    type: str


def link_config(settings: FiasSettings) -> LinkConfig:
    return LinkConfig(
        charset=settings.charset, lrc=settings.lrc, ack_mode=settings.ack,
        alive=settings.alive_check(), pacing=settings.pacing_ms / 1000,
        subscriptions=settings.posting_fields().subscriptions(),
    )


def resync_rules(settings: FiasSettings, tz: tzinfo) -> ResyncRules:
    return ResyncRules.parse(settings.resync_after_down_seconds, settings.resync_daily_at, tz)


def tls_context(settings: FiasSettings) -> ssl.SSLContext | None:
    """The link's TLS context from the settings; None when TLS is off."""
    if not settings.tls:
        return None
    if settings.mode is FiasMode.SERVER:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        assert settings.tls_cert is not None and settings.tls_key is not None
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
        if settings.tls_client_ca is not None:
            # Mutual TLS: a client without a certificate from this CA fails the handshake.
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cafile=settings.tls_client_ca)
        return context
    return ssl.create_default_context(cafile=settings.tls_ca)


class FiasDoor:
    def __init__(
        self,
        settings: FiasSettings,
        connector: Connector,
        *,
        tz: tzinfo,
        clock: Clock,
        registry: CollectorRegistry,
        on_posting_answer: Callable[[Record], object] | None = None,
        on_link_up: Callable[[], None] | None = None,
        on_night_audit: Callable[[bool], None] | None = None,
        resync_poll_seconds: float = RESYNC_POLL_SECONDS,
        link: LinkConfig | None = None,
    ) -> None:
        """`link`: the link's config when not the one the settings describe (tests scale
        its timers down)."""
        self._connector = connector
        self._clock = clock
        self.resync = ResyncPolicy(resync_rules(settings, tz), started_at=clock.now())
        self._resync_poll = resync_poll_seconds
        self._on_posting_answer = on_posting_answer
        self._on_link_up = on_link_up
        self._on_night_audit = on_night_audit
        self.translator = InboundTranslator(tz=tz)
        config, context = link or link_config(settings), tls_context(settings)
        self.endpoint: FiasClient | FiasServer
        self._refused_peers = Counter(
            "connector_fias_refused_connections",
            "FIAS connections closed at once: the address is not in "
            "CONNECTOR_FIAS__ALLOWED_PEERS.", registry=registry)
        if settings.mode is FiasMode.SERVER:
            self.endpoint = FiasServer(settings.host, settings.port, config=config, tz=tz,
                                       clock=clock, ssl_context=context,
                                       allowed_peers=settings.allowed_peer_entries(),
                                       on_refused=lambda _address: self._refused_peers.inc())
        else:
            self.endpoint = FiasClient(settings.host, settings.port, config=config, tz=tz,
                                       clock=clock, ssl_context=context)
        self._where = f"{settings.mode.value} {settings.host}:{settings.port}"
        self._alive = config.alive.describe()
        self._up = Gauge("connector_fias_link_up", "1 while the FIAS link is up.",
                         registry=registry)
        self._records = Counter("connector_fias_records", "FIAS records received, by type.",
                                ["type"], registry=registry)
        self._refused = Counter("connector_fias_refused", "FIAS records that could not be used.",
                                ["reason"], registry=registry)
        self._watch = FiasWatch(registry, charset=settings.charset,
                                meta=connector.store.meta, set_meta=connector.store.set_meta)
        # For the console's Health page: the last records, and when the link last changed.
        self.recent: deque[RecentRecord] = deque(maxlen=RECENT_RECORDS)
        self.link_changed_at: datetime | None = None

    def readiness(self) -> Check:
        up = self.endpoint.is_up
        # Unsigned: the link's state only; the PMS's address is in the log and the doctor.
        state = "up" if up else self.endpoint.state.name.lower().replace("_", " ")
        return Check(name="fias_link", ok=up, detail=f"FIAS link to the PMS: {state}")

    async def run(self, stop: asyncio.Event) -> None:
        """Keep the link and turn what arrives into stored events until `stop`; then LE."""
        if isinstance(self.endpoint, FiasServer):
            await self.endpoint.start()
        log.info("FIAS link starting", extra={
            "fias": self._where, "alive_check": self._alive,
            "resync": self.resync.rules.describe()})
        link = asyncio.create_task(self.endpoint.run())
        consumer = asyncio.create_task(self._consume())
        resyncs = asyncio.create_task(self._watch_resync())
        await stop.wait()
        await self.endpoint.close()
        consumer.cancel()
        resyncs.cancel()
        await asyncio.gather(link, consumer, resyncs, return_exceptions=True)
        self._up.set(0)

    async def _consume(self) -> None:
        async for event in self.endpoint.events():
            match event:
                case LinkUp():
                    self.link_changed_at = self._clock.now()
                    self.translator.link_up()
                    self._up.set(1)  # the transport logs the link going up and down
                    self.resync.link_up(self._clock.monotonic())
                    self.resync_if_due()
                    if self._on_link_up is not None:
                        self._on_link_up()  # reports kept while it was down go out now
                case LinkDown():
                    self.link_changed_at = self._clock.now()
                    self._up.set(0)
                    self.resync.link_down(self._clock.monotonic())
                case RecordReceived(record=record):
                    self.recent.append(RecentRecord(self._clock.now(), record.type))
                    self._records.labels(record.type).inc()
                    self._receive(record)
                case Malformed():
                    self._refused.labels("malformed").inc()

    async def _watch_resync(self) -> None:
        """Every few seconds: a request from `connector sync --pms`, the daily moment."""
        while True:
            self.resync_if_due()
            await asyncio.sleep(self._resync_poll)

    def resync_if_due(self) -> None:
        """Send DR now if the policy says so and the link is up; log why at INFO."""
        try:
            requested = self._connector.store.meta(RESYNC_REQUEST_KEY) is not None
        except StoreError as error:
            log.error("FIAS: cannot read a resync request: the database failed",
                      extra={"error": str(error)})
            requested = False
        if requested:
            self.resync.request()
        if not self.endpoint.is_up:
            return
        now = self._clock.now()
        reason = self.resync.due(now)
        if reason is None:
            return
        try:
            self.endpoint.request_resync()
        except LinkNotUp:
            return  # went down meanwhile: the next link-up decides again
        self.resync.sent(now)
        log.info("FIAS: database resync requested (DR): %s", reason)
        if requested:
            try:
                self._connector.store.set_meta(RESYNC_REQUEST_KEY, None)
            except StoreError as error:
                log.error("FIAS: cannot clear the resync request: the database failed",
                          extra={"error": str(error)})

    def _receive(self, record: Record) -> None:
        self._watch.record(record, self.translator.notice(record))
        if record.type == "PA":
            if self._on_posting_answer is not None:
                self._on_posting_answer(record)
            return
        if record.type in ("NS", "NE"):
            if self._on_night_audit is not None:
                self._on_night_audit(record.type == "NS")  # True: it started
            return
        if record.type not in EVENT_TYPES:
            return
        try:
            events = self.translator.translate(record, received_at=self._clock.now())
        except MappingError as error:
            self._refused.labels("mapping").inc()
            log.warning("FIAS record not used: %s", error)
            return
        if events:
            self._connector.ingest(list(events), source="fias")
            self._watch.events(events)
