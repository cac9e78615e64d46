"""Which limiter a connector paces with: alone (its share), or shared through Redis.

`redis` is imported only when a Redis URL is set: a single hotel never loads it (memory).
"""

from __future__ import annotations

import uuid

from prometheus_client import CollectorRegistry

from connector.clock import Clock
from connector.settings.model import ZoomSettings
from connector.settings.shared_limit import SharedLimitSettings
from connector.zoom.limiter import Limiters, SlowdownPolicy


def build_limiters(
    zoom: ZoomSettings,
    shared: SharedLimitSettings,
    clock: Clock,
    *,
    registry: CollectorRegistry | None = None,
    policy: SlowdownPolicy | None = None,
    speedup: float = 1.0,
) -> Limiters:
    """The limiters the settings describe (`speedup` is for benchmarks and tests only)."""
    if shared.redis_url is None:
        return Limiters(zoom.plan, zoom.rate_limit_share, clock, policy, speedup=speedup)
    from redis.asyncio import Redis

    from connector.zoom.shared_limiter import (
        MEMBER_TTL_SECONDS,
        PROBE_EVERY_SECONDS,
        SharedLimiters,
    )
    from connector.zoom.shared_link import CONNECTIONS, SharedLimiterMetrics, SharedLink

    timeout = shared.timeout_seconds
    redis = Redis.from_url(shared.redis_url.get_secret_value(), socket_timeout=timeout,
                           socket_connect_timeout=timeout, max_connections=CONNECTIONS + 4)
    link = SharedLink(
        redis, account=zoom.account_id,
        # One process of one hotel: a restart is a new process (the old one ages out).
        process=f"{shared.hotel_id}:{uuid.uuid4().hex[:12]}",
        clock=clock, timeout=timeout, member_ttl=MEMBER_TTL_SECONDS,
        probe_every=PROBE_EVERY_SECONDS, metrics=SharedLimiterMetrics(registry))
    return SharedLimiters(zoom.plan, shared, link, clock, policy, speedup=speedup)
