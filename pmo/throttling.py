"""Refusing too many tries: failed logins per username and per client address, API calls
per user (or token) and per anonymous address.

Every counter lives in Django's cache (Redis in production and in the tests), so that all the
web processes of all the machines count together. Imported by DRF's settings: nothing here
may import views or forms (see pmo/login.py for those).
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext
from rest_framework import throttling

# ------------------------------------------------------------------------------
# The client's address
# ------------------------------------------------------------------------------


def client_ip(request) -> str:
    """The address the request came from, the way the API throttles see it.

    ``X-Forwarded-For`` is read only as far as ``NUM_PROXIES`` trusted proxies allow: a client
    could write anything there, and a new address per try would escape the per-address limit.
    """
    # A server that passes no REMOTE_ADDR (a Unix socket, a bare WSGI client) gives None:
    # those clients are counted together under "".
    return throttling.BaseThrottle().get_ident(request) or ""


# ------------------------------------------------------------------------------
# Login throttling
# ------------------------------------------------------------------------------
LOGIN_KEY_PREFIX = "login-throttle"


def _key(kind: str, what: str, value: str) -> str:
    # Hashed: a username or an address may hold characters a cache key must not, and the cache
    # then holds no usernames.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{LOGIN_KEY_PREFIX}:{kind}:{what}:{digest}"


def _subjects(username: str, ip: str) -> list[tuple[str, str, int]]:
    """(what, value, limit) for each counter a try counts against."""
    # Case folded: "PMO" and "pmo" are one target for someone guessing passwords.
    return [
        ("user", (username or "").strip().casefold(), settings.LOGIN_FAILURE_LIMIT),
        ("ip", ip, settings.LOGIN_IP_FAILURE_LIMIT),
    ]


def login_lockout_remaining(username: str, ip: str) -> int:
    """Seconds until this username and this address may try again; 0 when they may now."""
    now = time.time()
    keys = [_key("lock", what, value) for what, value, _limit in _subjects(username, ip)]
    until = max((float(v) for v in cache.get_many(keys).values()), default=0.0)
    return max(0, math.ceil(until - now))


def record_login_failure(username: str, ip: str) -> int:
    """Count a failed try; return the seconds of the lockout it starts (0 when none)."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    locked_for = 0
    for what, value, limit in _subjects(username, ip):
        key = _key("failures", what, value)
        # The window starts at the first failure; add() leaves a running count alone.
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(_key("lock", what, value), time.time() + window, timeout=window)
            cache.delete(key)
            locked_for = window
    return locked_for


def reset_login_failures(username: str) -> None:
    """A successful login forgives the username's earlier failures (not the address's)."""
    value = (username or "").strip().casefold()
    cache.delete_many([_key("failures", "user", value), _key("lock", "user", value)])


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts; try again in %(minutes)d minute.",
        "Too many failed attempts; try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


# ------------------------------------------------------------------------------
# API rate limits
# ------------------------------------------------------------------------------
class SettingsRateThrottle(throttling.SimpleRateThrottle):
    """A throttle whose rate is read from a setting at each request, so that it can change
    without a restart of the module (tests lower it; DRF's own reads it once at import)."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)


class UserRateThrottle(SettingsRateThrottle):
    """Calls per API token, or per signed-in user without one: ``API_USER_RATE``.

    Each token has its own budget, so that one runaway integration cannot exhaust another
    sharing its service account, and a revoked key's calls are not charged to the next one.
    """

    scope = "user"
    rate_setting = "API_USER_RATE"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        token_id = getattr(request.auth, "pk", None)
        ident = f"token-{token_id}" if token_id is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonRateThrottle(SettingsRateThrottle):
    """Calls per client address without credentials: ``API_ANON_RATE``."""

    scope = "anon"
    rate_setting = "API_ANON_RATE"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
