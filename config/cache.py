"""The production cache: Django's Redis cache that, while Redis is down, behaves like no
cache at all instead of failing the request.

What the cache holds here can all be done without: the sign-in lockout counts
(accounts/throttling.py) and the dashboard's rendered panels (dashboards/views.py). With
Redis down, reads miss, writes are dropped and counters start from nothing; sign-in works,
but failed sign-ins are not counted until Redis is back (the lockout fails open: a hotline
that nobody can sign in to on a storm night is worse than two minutes without it). Each
failure is logged as a warning. Celery's broker is the same Redis; the outbox covers that.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _or_else(method: Callable[..., Any], fallback: Any) -> Callable[..., Any]:
    """The client's method, answering `fallback` (as if the key were absent) on a Redis error."""

    @wraps(method)
    def call(self: RedisCacheClient, *args: Any) -> Any:
        try:
            return method(self, *args)
        except RedisError as exc:
            _log(exc)
            return fallback

    return call


class _DegradingClient(RedisCacheClient):
    get_many = _or_else(RedisCacheClient.get_many, {})
    has_key = _or_else(RedisCacheClient.has_key, False)
    add = _or_else(RedisCacheClient.add, False)
    set = _or_else(RedisCacheClient.set, None)
    set_many = _or_else(RedisCacheClient.set_many, [])
    touch = _or_else(RedisCacheClient.touch, False)
    delete = _or_else(RedisCacheClient.delete, False)
    delete_many = _or_else(RedisCacheClient.delete_many, None)
    clear = _or_else(RedisCacheClient.clear, False)

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except RedisError as exc:
            _log(exc)
            return default

    def incr(self, key: Any, delta: Any) -> Any:
        try:
            return super().incr(key, delta)
        except RedisError as exc:
            _log(exc)
            # What Django's caches raise for a key that is not there: callers handle it.
            raise ValueError("The cache is unavailable.") from exc


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _DegradingClient


def _log(exc: Exception) -> None:
    logger.warning("Cache unavailable, going on without it: %s", exc)
