"""A single hotel, without a Redis URL, paces exactly as before and never loads the client."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import SecretStr, ValidationError

from connector.clock import SystemClock
from connector.settings.shared_limit import SharedLimitSettings
from connector.zoom.catalogue import Category, Family
from connector.zoom.limiter import Limiters
from connector.zoom.limiter_setup import build_limiters
from tests.shared_limiter.hotels import zoom_settings


def test_without_a_redis_url_the_hotel_keeps_its_own_share() -> None:
    limiters = build_limiters(zoom_settings(), SharedLimitSettings(), SystemClock())
    assert type(limiters) is Limiters
    # Business Phone Light is 40/s; the default share is 0.8.
    assert limiters.get(Family.PHONE, Category.LIGHT).rate_per_second == pytest.approx(32)
    assert limiters.daily(Family.PHONE).limit == 24_000


def test_an_idle_single_hotel_never_imports_the_redis_client() -> None:
    program = (
        "import sys\n"
        "import connector.cli, connector.service\n"
        "from connector.clock import SystemClock\n"
        "from connector.settings.shared_limit import SharedLimitSettings\n"
        "from connector.zoom.limiter_setup import build_limiters\n"
        "from tests.shared_limiter.hotels import zoom_settings\n"
        "build_limiters(zoom_settings(), SharedLimitSettings(), SystemClock())\n"
        "print(sorted(m for m in sys.modules if m == 'redis' or m.startswith('redis.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_a_redis_url_needs_the_hotels_name_and_the_number_of_connectors() -> None:
    url = SecretStr("redis://redis.group:6379/0")
    with pytest.raises(ValidationError, match="hotel_id is required"):
        SharedLimitSettings(redis_url=url, connectors=3)
    with pytest.raises(ValidationError, match="connectors is required"):
        SharedLimitSettings(redis_url=url, hotel_id="lisbon")
    with pytest.raises(ValidationError, match="redis://"):
        SharedLimitSettings(redis_url=SecretStr("http://x"), hotel_id="lisbon", connectors=3)
    # `CONNECTOR_SHARED_LIMIT__REDIS_URL=` (empty) is no URL.
    assert SharedLimitSettings.model_validate({"redis_url": "", "hotel_id": ""}).redis_url is None
