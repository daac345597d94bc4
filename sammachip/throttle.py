"""Login throttling: django-axes per username and address, plus a limit per account.

* **Per username and address** (django-axes): after ``AXES_FAILURE_LIMIT`` failures the same
  username from the same address is refused for ``AXES_COOLOFF_TIME``. Another address (a
  colleague in the office, the officer on a phone) is not affected.
* **Per account** (OWASP ASVS 2.2.1): at most ``SAMMACHIP_LOGIN_FAILURES_PER_HOUR`` wrong passwords
  an hour for one username from any number of addresses. Counted from axes' failure log
  (``AccessFailureLog``, in the database, so every app server counts together), which records
  each password that was checked and found wrong; refused attempts are not recorded there
  (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so an attacker hammering one
  address cannot lock the account for everyone else.

Both refuse before the password is checked, with the Thai lock-out page (HTTP 429 and
``Retry-After``). The address is ``sammachip.security.client_ip`` (trusted proxy only).
"""

import datetime
import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sammachip.security import client_ip

logger = logging.getLogger("sammachip.security")
WINDOW = datetime.timedelta(hours=1)


def account_failures(username, *, now=None):
    """Wrong passwords for ``username`` in the last hour, from any address."""
    since = (now or timezone.now()) - WINDOW
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


def account_retry_after(username, *, now=None):
    """Seconds until the account is below its hourly limit again."""
    now = now or timezone.now()
    limit = settings.SAMMACHIP_LOGIN_FAILURES_PER_HOUR
    times = list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gte=now - WINDOW)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds()))


class LoginThrottleBackend(AxesStandaloneBackend):
    """First in ``AUTHENTICATION_BACKENDS``: refuses a locked-out login before the password is
    checked. It never logs anyone in; ``sammachip.backends.RoleBackend`` does.

    A call without a request is not a login over the web (``manage.py shell``, the test client's
    ``login()``) and is let through; every web login (Django's login form) passes the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        limit = settings.SAMMACHIP_LOGIN_FAILURES_PER_HOUR
        if username and limit and account_failures(username) >= limit:
            request.axes_locked_out = True
            request.sammachip_account_locked = True
            raise AxesBackendPermissionDenied("too many failed logins for this account")
        return super().authenticate(request, username, password, **kwargs)


def client_username(request, credentials=None):
    """``AXES_USERNAME_CALLABLE``: the username axes records, as its default reads it (the
    credentials, else the form), cut to the longest a user may have. Whatever a caller of
    ``authenticate()`` passes, axes' varchar(255) columns never get more (the login form
    refuses a longer one with a Thai message before this is reached)."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username[: get_user_model()._meta.get_field("username").max_length]


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the Thai lock-out page, HTTP 429 with ``Retry-After``."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    if getattr(request, "sammachip_account_locked", False):
        retry_after = account_retry_after(username) or int(WINDOW.total_seconds())
        reason = "account"
    else:
        retry_after = int(get_cool_off(request).total_seconds())
        reason = "address"
    # No username in the log line: a password typed into the username box must not reach a log.
    logger.warning("login refused: locked out (%s) from %s", reason, client_ip(request))
    context = {
        **admin.site.each_context(request),
        "title": _("ระงับการเข้าสู่ระบบชั่วคราว"),
        "account_locked": reason == "account",
        "minutes": max(1, math.ceil(retry_after / 60)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "hourly_limit": settings.SAMMACHIP_LOGIN_FAILURES_PER_HOUR,
    }
    response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
