"""Counters per fixed time window in the shared cache (every app server counts together).

``window_spend(key, amount, limit=..., window=...)`` spends ``amount`` from a budget of ``limit``
per window and says whether it fitted. A refused spend takes nothing from the budget, so a caller
that asks for too much at once can still ask for less. With Redis (``REDIS_URL``) the counter is
shared by every process; the local-memory cache of a single development server counts alone.
``client_allowed(request, scope, limit=...)`` is the same counter per client address
(``sammachip.security.client_ip``): one more ``scope`` action (e.g. a public search) this window.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Spend:
    allowed: bool
    used: int  # in this window, after the spend (before it, when refused)
    limit: int
    retry_after: int  # seconds until the window starts again


def window_spend(key, amount, *, limit, window, now=None):
    """Spend ``amount`` from ``key``'s budget of ``limit`` per ``window`` seconds."""
    now = time.time() if now is None else now
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    cache_key = f"ratelimit:{key}:{bucket}"
    if limit <= 0:
        return Spend(allowed=True, used=0, limit=limit, retry_after=retry_after)
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        used = cache.incr(cache_key, amount)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, amount, timeout=window + 60)
        used = amount
    if used > limit:
        cache.decr(cache_key, amount)  # refused: nothing spent
        return Spend(allowed=False, used=used - amount, limit=limit, retry_after=retry_after)
    return Spend(allowed=True, used=used, limit=limit, retry_after=retry_after)


def client_allowed(request, scope, *, limit, window=60):
    """Whether the client of ``request`` may do one more ``scope`` action: at most ``limit`` per
    ``window`` seconds (``limit`` 0: no limit). The client is ``sammachip.security.client_ip``,
    the address the trusted proxy saw, never a forged ``X-Forwarded-For``."""
    from sammachip.security import client_ip

    key = f"{scope}:{client_ip(request) or 'unknown'}"
    return window_spend(key, 1, limit=int(limit or 0), window=window).allowed
