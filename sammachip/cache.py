"""The shared cache of public pages, for anonymous visitors only.

``cache_public_page`` wraps a public view. For an anonymous GET it keys the response by the
*public content version* and the full URL (scheme, host, path and query string), and serves it
from the default cache (Redis when ``REDIS_URL`` is set, local memory otherwise) for at most
``PAGE_TIMEOUT`` seconds. A logged-in user never reads or fills the shared cache, nor does a request
carrying flash messages, nor is a response stored that sets a cookie, uses a CSRF token or a CSP
nonce, shows messages, is not a 200 or says ``Cache-Control: private/no-cache/no-store``.

Invalidation is one integer: ``VERSION_KEY``. Any change to what the public pages show bumps it
(``bump_content_version``), so every page key changes at once and old entries simply expire. Each
app says in its ``AppConfig.ready()`` what the public pages read of it (this module names no app):
``watch(*models, m2m=...)`` (post_save/post_delete, m2m_changed), ``watch_signal(signal)`` (e.g.
``articles.services.article_changed``: every workflow step, edit, import) and
``watch_schedule(next_after)`` (content that goes live by the clock).

A model signal bumps at once *and* again when the transaction commits, so a page rendered from the
old data while the transaction was open is never served afterwards. ``bulk_create`` and
``QuerySet.update`` send no signals: code that uses them calls ``bump_content_version()`` itself
(or the pages catch up within ``PAGE_TIMEOUT``).

Scheduled content (articles with ``published_at`` in the future, no cron) goes live by the clock
alone, with no signal; so a page is never cached beyond the next scheduled moment
(``next_publication``: one indexed query per watched schedule and content version, kept with
``cached_for_content``).

When the version key is missing (first start, eviction, Redis flushed) it is created from the
clock in microseconds, which is always greater than any version handed out before, so an old
entry can never be served again under a reused number.
"""

import hashlib
import logging
import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "public:content-version"
PAGE_KEY_PREFIX = "public:page"
PAGE_TIMEOUT = 300
HEADER = "X-Public-Cache"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage


def _fresh_version():
    return time.time_ns() // 1000


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version():
    """Invalidate every cached public page."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing: start from the clock (see the module docstring)
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception:  # a cache outage must never break a save
        logger.exception("public cache: could not bump the content version")


def _bump_now_and_on_commit(**kwargs):
    bump_content_version()
    transaction.on_commit(bump_content_version)


def _bump(**kwargs):
    bump_content_version()


_schedules = []  # ``next_after(now)`` of each app whose content goes live by the clock


def watch(*models, m2m=()):
    """The public pages show ``models`` (and the many-to-many relations whose ``through`` models
    are in ``m2m``): any save or delete of one bumps the content version, at once and on commit.
    Called from the owning app's ``AppConfig.ready()``."""
    for model in models:
        uid = f"public-cache:{model._meta.label_lower}"
        post_save.connect(_bump_now_and_on_commit, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_bump_now_and_on_commit, sender=model, dispatch_uid=f"{uid}:delete")
    for through in m2m:
        m2m_changed.connect(
            _bump_now_and_on_commit,
            sender=through,
            dispatch_uid=f"public-cache:{through._meta.label_lower}:m2m",
        )


def watch_signal(signal, name):
    """Any sending of ``signal`` (an app's own "content changed" signal) bumps the version."""
    signal.connect(_bump, dispatch_uid=f"public-cache:{name}")


def watch_schedule(next_after):
    """``next_after(now)``: when the app's next piece of content scheduled after ``now`` goes live
    (or None). Cached pages never outlive it."""
    if next_after not in _schedules:
        _schedules.append(next_after)


def _next_scheduled(now):
    moments = [moment for next_after in _schedules if (moment := next_after(now)) is not None]
    return min(moments, default=None)


def next_publication(now=None):
    """When the next content scheduled after ``now`` goes live (or None), read once per content
    version: scheduling, rescheduling or publishing an article bumps the version."""
    now = now or timezone.now()
    # A dict: None is a value here, not a cache miss. The next after an earlier moment is also
    # the next after now, unless it has gone live since.
    found = cached_for_content("next-publication", lambda: {"at": _next_scheduled(now)})
    if found["at"] is not None and found["at"] <= now:
        return _next_scheduled(now)
    return found["at"]


def seconds_until_next_publication(now=None):
    """Seconds from ``now`` until the next scheduled content goes live, or None."""
    now = now or timezone.now()
    upcoming = next_publication(now)
    if upcoming is None:
        return None
    return max(1, int((upcoming - now).total_seconds()) + 1)


def page_timeout(timeout=PAGE_TIMEOUT, now=None):
    """How long a page rendered at ``now`` may be kept: never past the next publication."""
    scheduled = seconds_until_next_publication(now)
    return timeout if scheduled is None else min(timeout, scheduled)


def page_key(request, version):
    url = request.build_absolute_uri()
    return f"{PAGE_KEY_PREFIX}:{version}:{hashlib.sha256(url.encode()).hexdigest()}"


def may_use_cache(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if MESSAGES_COOKIE in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def may_store(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page carries a CSRF token
        return False
    if getattr(request, "_csp_nonce", None):  # the page carries this response's CSP nonce
        return False
    if getattr(getattr(request, "_messages", None), "used", False):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-cache", "no-store"))


def cached_for_content(name, compute, timeout=PAGE_TIMEOUT):
    """``compute()``, kept in the shared cache for the current public content version: small
    public data that several pages read (menus, lists of districts) is computed once per change
    of the content, not per page. A cache outage computes it every time."""
    try:
        key = f"public:data:{content_version()}:{name}"
        value = cache.get(key)
    except Exception:
        logger.exception("public cache unavailable; computing %s", name)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.exception("public cache: could not store %s", name)
    return value


def cache_public_page(view=None, *, timeout=PAGE_TIMEOUT):
    """Decorate a public view (function, or ``as_view()``; ``method_decorator`` for dispatch).

    ``@cache_public_page`` or ``@cache_public_page(timeout=60)``."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not may_use_cache(request):
                response = view_func(request, *args, **kwargs)
                response[HEADER] = "bypass"
                return response
            try:
                key = page_key(request, content_version())
                cached = cache.get(key)
            except Exception:
                logger.exception("public cache unavailable; serving uncached")
                return view_func(request, *args, **kwargs)
            if cached is not None:
                response = HttpResponse(cached["content"], status=cached["status"])
                for name, value in cached["headers"]:
                    response[name] = value
                response[HEADER] = "hit"
                return response
            started = timezone.now()  # the page shows the articles public at this moment
            response = view_func(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            if may_store(request, response):
                frozen = {
                    "content": response.content,
                    "status": response.status_code,
                    "headers": list(response.items()),
                }
                try:
                    cache.set(key, frozen, page_timeout(timeout, now=started))
                except Exception:
                    logger.exception("public cache: could not store %s", request.path)
            response[HEADER] = "miss"
            return response

        return wrapped

    return decorator(view) if view is not None else decorator
