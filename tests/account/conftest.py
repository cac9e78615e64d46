"""A real redis-server per test (tests/shared_limiter's)."""

from tests.shared_limiter.conftest import redis_server

__all__ = ["redis_server"]
