"""Login throttling: failed sign-ins counted per (username, address) pair in the cache.

GRIDLINE_LOGIN_FAILURE_LIMIT failures for one username from one address, each within
GRIDLINE_LOGIN_LOCKOUT_MINUTES of the first, lock that pair for GRIDLINE_LOGIN_LOCKOUT_MINUTES.

The pair, not the username alone: a lock on the username would let anyone on the
network lock an agent out of the hotline at will, and a lock on the address alone would
lock a whole call-centre floor behind one office NAT after one user's typos. So other
users behind the same address, and the same user from another address, still sign in.

The cache is Redis in production (shared by every web worker) and local memory in the
embedded default and in tests. Failures are counted before the password is checked
again: a locked pair is refused without looking at the password (accounts/backends.py),
so guessing goes no further while the lock lasts.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PREFIX = "gridline:login"


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the one GRIDLINE_PROXY_COUNT proxies passed on."""
    if request is None:
        return ""
    proxies = settings.GRIDLINE_PROXY_COUNT
    if proxies:
        # Each trusted proxy appends the address it received from; entries further
        # left were written by the client and can be forged.
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, username: str, address: str) -> str:
    # Hashed: usernames are free text, and cache keys must be short and plain ASCII.
    digest = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
    return f"{_PREFIX}:{kind}:{digest}"


def login_locked(*, username: str, address: str) -> bool:
    """True while this username is locked out from this address."""
    return login_lock_seconds_left(username=username, address=address) > 0


def login_lock_seconds_left(*, username: str, address: str) -> int:
    """Seconds until this pair's lock ends (0: not locked)."""
    until = cache.get(_key("locked", username, address))
    # The stored end time decides, not only the cache's expiry: the two agree in
    # production, and the lock then also ends on time in a test that moves the clock.
    if until is None or until <= time.time():
        return 0
    return max(1, math.ceil(until - time.time()))


def login_failure_record(*, username: str, address: str) -> bool:
    """Count one failed sign-in; returns True if this failure locked the pair."""
    if login_locked(username=username, address=address):
        return False
    seconds = settings.GRIDLINE_LOGIN_LOCKOUT_MINUTES * 60
    failures_key = _key("failures", username, address)
    # add() then incr(): atomic in Redis, so concurrent failures from several web
    # workers are all counted. The window starts at the first failure.
    cache.add(failures_key, 0, timeout=seconds)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add() and incr()
        cache.add(failures_key, 1, timeout=seconds)
        failures = 1
    if failures < settings.GRIDLINE_LOGIN_FAILURE_LIMIT:
        return False
    # The value is when the lock ends, for the "try again in" message and Retry-After.
    cache.set(_key("locked", username, address), time.time() + seconds, timeout=seconds)
    cache.delete(failures_key)
    return True


def login_failures_clear(*, username: str, address: str) -> None:
    """Forget the failures of a pair that has just signed in."""
    cache.delete(_key("failures", username, address))
