"""A real redis-server per test (see redis_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.shared_limiter.redis_server import RedisServer, redis_required, redis_server_path


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    program = redis_server_path()
    if program is None:
        reason = "redis-server is not installed (Debian package redis-server)"
        if redis_required():
            pytest.fail(f"{reason}, and CI requires it")
        pytest.skip(reason)
    server = RedisServer(program)
    server.start()
    try:
        yield server
    finally:
        server.kill()
