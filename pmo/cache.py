"""A Redis cache that a stopped Redis does not take down with it.

What Pilotage keeps in the cache can be lost without harm: the counters of the login
throttling and of the API rate limits. With Redis out of reach, Django's own backend raises
on every call, and every page and endpoint touching the cache answers 500. This one logs a
warning and answers as an empty cache would: a read misses, a write does nothing. For the
throttles that means they let everyone through while Redis is away (they fail open): a PMO
tool would rather serve its users than lock them all out, and the lockouts come back with
Redis.

After a failure the cache is not asked again for ``RETRY_AFTER_SECONDS``, so that a Redis
which does not answer at all costs one socket timeout per process, not one per call.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# A server refusing, resetting or not answering: the cache is away, not broken.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0

# When each server (by location) may be asked again; shared by the threads of a process,
# each of which has its own cache object.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is out of reach."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    def _available(self) -> bool:
        return time.monotonic() >= _down_until.get(self._location, 0.0)

    def _went_away(self, error: BaseException) -> None:
        with _lock:
            first = self._available()
            _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
        if first:  # once per outage window, not once per call
            logger.warning(
                "Cache unavailable (%s): answering as an empty cache for %s s",
                error,
                RETRY_AFTER_SECONDS,
            )

    def _call(self, method, default, *args, **kwargs):
        if not self._available():
            return default
        try:
            return method(*args, **kwargs)
        except UNAVAILABLE as error:
            self._went_away(error)
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            # What an empty cache says: the key is not there.
            raise ValueError(f"Key '{key}' not found.")
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._went_away(error)
            raise ValueError(f"Key '{key}' not found.") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: every key "failed", as the cache API reports it.
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
