"""Running the account's parts from the settings: the intake's web server and the worker's
election, Zoom client and jobs. The thin shell around the pure parts of the package."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import uvicorn
from prometheus_client import REGISTRY

from connector.account.claims import Claims
from connector.account.election import Election
from connector.account.group import Group, GroupFileError, load_group
from connector.account.intake import IntakeConfig, create_intake_app
from connector.account.jobs import CallHistoryJob, Job, VoicemailListingJob
from connector.account.listings import ZoomListings
from connector.account.worker import AccountWorker
from connector.clock import SystemClock
from connector.daily_schedule import DailySchedule
from connector.settings import Settings
from connector.zoom.api import ZoomApi
from connector.zoom.client import ZoomClient
from connector.zoom.limiter_setup import build_limiters
from connector.zoom.metrics import ZoomMetrics

log = logging.getLogger("connector.account")


class AccountSetupError(Exception):
    """The account's parts cannot start; the message names the setting to fix."""


def group_of(settings: Settings) -> Group:
    if settings.account.group_file is None:
        raise AccountSetupError("CONNECTOR_ACCOUNT__GROUP_FILE is not set: the account's parts "
                                "route by the group file (docs/account-worker.md).")
    try:
        return load_group(settings.account.group_file)
    except GroupFileError as error:
        raise AccountSetupError(str(error)) from None


def intake_config(settings: Settings, group: Group) -> IntakeConfig:
    token = settings.zoom.webhook_secret_token
    if token is None:
        raise AccountSetupError("CONNECTOR_ZOOM__WEBHOOK_SECRET_TOKEN (the account app's Secret "
                                "Token) is required by the intake.")
    secrets: dict[str, str] = {}
    for hotel in group.hotels:
        if hotel.secret_env is None:
            continue
        # Named by the group file, each hotel's own token comes from the pod's secrets.
        value = os.environ.get(hotel.secret_env)
        if not value:
            raise AccountSetupError(f"Hotel {hotel.hotel_id}: the environment variable "
                                    f"{hotel.secret_env} (its Zoom secret token) is empty.")
        secrets[hotel.hotel_id] = value
    return IntakeConfig(group, token.get_secret_value(), secrets)


def _on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def serve_intake(settings: Settings) -> None:
    """`connector account-intake`: until SIGTERM."""
    group = group_of(settings)
    config = intake_config(settings, group)
    timeout = settings.account.forward_timeout_seconds
    async with httpx.AsyncClient(timeout=timeout) as client:
        app = create_intake_app(config, client=client, clock=SystemClock(), registry=REGISTRY)
        server = uvicorn.Server(uvicorn.Config(
            app, host=settings.account.intake_host, port=settings.account.intake_port,
            lifespan="off", access_log=False, log_config=None, timeout_graceful_shutdown=5))
        log.info("account intake serving", extra={"hotels": len(group.hotels),
                                                  "port": settings.account.intake_port})
        await server.serve()


async def run_worker(settings: Settings) -> None:
    """`connector account-worker`: campaign and lead until SIGTERM."""
    from redis.asyncio import Redis

    group = group_of(settings)
    account = settings.account
    url = account.redis_url or settings.shared_limit.redis_url
    if url is None:
        raise AccountSetupError("CONNECTOR_ACCOUNT__REDIS_URL (or the shared limiter's "
                                "CONNECTOR_SHARED_LIMIT__REDIS_URL) is required by the worker.")
    if account.feed_secret is None:
        raise AccountSetupError("CONNECTOR_ACCOUNT__FEED_SECRET is required by the worker.")
    clock = SystemClock()
    timeout = account.safety_margin_seconds / 2
    redis = Redis.from_url(url.get_secret_value(), socket_timeout=timeout,
                           socket_connect_timeout=timeout)
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    election = Election(redis, account=account.account_id, holder=holder,
                        lease_seconds=account.lease_seconds,
                        margin_seconds=account.safety_margin_seconds, clock=clock,
                        timeout=timeout)
    claims = Claims(redis, account=account.account_id, timeout=timeout)
    zoom = ZoomClient(settings.zoom, settings.scheduling, clock=clock,
                      metrics=ZoomMetrics(REGISTRY),
                      limiters=build_limiters(settings.zoom, settings.shared_limit, clock,
                                              registry=REGISTRY))
    stop = asyncio.Event()
    _on_signals(stop)
    try:
        await zoom.start()
        listings = ZoomListings(ZoomApi(zoom))
        jobs: list[Job] = [
            VoicemailListingJob(group, listings, DailySchedule.parse(
                settings.reconcile.voicemail_sweep_at, ZoneInfo(settings.hotel.timezone)),
                clock),
            CallHistoryJob(group, listings,
                           timedelta(minutes=settings.billing.poll_interval_minutes), clock),
        ]
        async with httpx.AsyncClient(timeout=account.forward_timeout_seconds) as client:
            worker = AccountWorker(election, claims, jobs, client=client,
                                   feed_secret=account.feed_secret.get_secret_value(),
                                   clock=clock)
            log.info("account worker campaigning", extra={"holder": holder,
                                                          "hotels": len(group.hotels)})
            await worker.run_forever(stop)
    finally:
        await zoom.close()
        await redis.aclose()
