"""Connectors of one hotel group, each with its own limiter (and its own Redis connection)."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, generate_latest
from pydantic import SecretStr

from connector.clock import Clock, SystemClock
from connector.settings.model import Plan, ZoomSettings
from connector.settings.shared_limit import SharedLimitSettings
from connector.zoom.catalogue import Category, Family
from connector.zoom.limiter import CategoryLimiter
from connector.zoom.limiter_setup import build_limiters
from connector.zoom.shared_limiter import SharedLimiters

ACCOUNT = "group-account"


def zoom_settings() -> ZoomSettings:
    return ZoomSettings(account_id=ACCOUNT, client_id="id", client_secret=SecretStr("secret"),
                        plan=Plan.BUSINESS)


class Hotel:
    """One connector's pacing, as the Zoom client uses it."""

    def __init__(self, name: str, url: str, connectors: int, *, speedup: float = 1.0,
                 clock: Clock | None = None, headroom: float = 0.1) -> None:
        self.name = name
        self.registry = CollectorRegistry()
        shared = SharedLimitSettings(redis_url=SecretStr(url), hotel_id=name,
                                     connectors=connectors,
                                     background_headroom_seconds=headroom)
        limiters = build_limiters(zoom_settings(), shared, clock or SystemClock(),
                                  registry=self.registry, speedup=speedup)
        assert isinstance(limiters, SharedLimiters)
        self.limiters = limiters

    def light(self) -> CategoryLimiter:
        return self.limiters.get(Family.PHONE, Category.LIGHT)

    def medium(self) -> CategoryLimiter:
        return self.limiters.get(Family.PHONE, Category.MEDIUM)

    def heavy(self) -> CategoryLimiter:
        return self.limiters.get(Family.PHONE, Category.HEAVY)

    @property
    def shared(self) -> bool:
        return self.limiters.link.shared

    def metric(self, name: str) -> float:
        value = self.registry.get_sample_value(name)
        assert value is not None, generate_latest(self.registry).decode()
        return value

    async def close(self) -> None:
        await self.limiters.aclose()


def busiest_window(stamps: Sequence[float], window: float = 1.0) -> int:
    """The most calls in any sliding window of `window` seconds."""
    ordered = sorted(stamps)
    best = 0
    j = 0
    for i, start in enumerate(ordered):
        j = max(j, i)
        while j < len(ordered) and ordered[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best
