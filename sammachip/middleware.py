import re
import time

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sammachip.security import client_ip


class ForcePasswordChangeMiddleware:
    """Sends a user whose password is temporary to the password change page until it is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {
                reverse("admin:password_change"),
                reverse("admin:password_change_done"),
                reverse("admin:logout"),
            }
            if request.path not in allowed and not request.path.startswith(
                f"/{settings.STATIC_URL.lstrip('/')}"
            ):
                messages.warning(request, _("กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งานระบบ"))
                return redirect("admin:password_change")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection (``OperationalError``/``InterfaceError``) becomes the Thai 503
    page with ``Retry-After`` instead of a 500; the next request reconnects by itself
    (``CONN_HEALTH_CHECKS``). Exceptions raised outside a view (in another middleware) reach
    ``handler500``, which does the same: see ``sammachip.errors``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.signals import got_request_exception

        from sammachip import errors

        if not errors.is_database_unavailable(exception):
            return None
        # As for any exception in a request: error reporters (and the test client, which then
        # re-raises it unless told not to) still hear of it.
        got_request_exception.send(sender=None, request=request)
        return errors.database_unavailable(request, exception)


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is too large before anything reads it: the Thai 413 page.

    Multipart bodies (file uploads) may be ``SAMMACHIP_MAX_REQUEST_BODY`` bytes; any other body
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (beyond which Django would refuse it anyway, in English and
    only after reading it). The declared ``Content-Length`` is what counts: the WSGI server never
    hands the application more than that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            limit = settings.SAMMACHIP_MAX_REQUEST_BODY
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            response = render(
                request,
                "413.html",
                {"limit_mb": limit / (1024 * 1024)},
                status=413,
            )
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


# Control characters no one types: C0 except tab, line feed and carriage return (which a textarea
# sends). PostgreSQL refuses NUL in any text value (a 500 from the first query that carries it) and
# XML, hence xlsx, refuses the rest; a path has none of them at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PATH_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(request):
    """The path, a query or form parameter (name or value) or a cookie carries a control
    character. Uploaded files are not looked into (their names are replaced on save)."""
    if PATH_CONTROL_CHARACTERS.search(request.path_info):
        return True
    parameters = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        parameters.append(request.POST)
    for query in parameters:
        for name, values in query.lists():
            if CONTROL_CHARACTERS.search(name) or any(
                CONTROL_CHARACTERS.search(value) for value in values
            ):
                return True
    return any(
        CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value)
        for name, value in request.COOKIES.items()
    )


class ControlCharacterMiddleware:
    """Refuses a request whose path, parameters or cookies carry a control character (a NUL
    above all): the Thai 400 page, before a session, a login or a query sees the value. On
    PostgreSQL such a value was a 500 wherever it reached the database (``/districts/%00/``,
    a changelist filter, an autocomplete term, a login); on SQLite it was stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            response = render(request, "400.html", status=400)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class IdleSessionTimeoutMiddleware:
    """Signs out a user who made no request for ``SAMMACHIP_SESSION_IDLE_MINUTES``.

    The time of the last request is kept in the session (written at most once a minute). A
    user found idle is logged out and told so; the page asked for then behaves as for anyone
    signed out (the admin sends them to its login page, which shows the message).
    """

    KEY = "sammachip_last_activity"
    WRITE_EVERY = 60  # seconds
    # A page's own automatic request (the job page asking for its progress) is not the user's
    # activity: it neither keeps an unattended session alive nor writes the session (on SQLite
    # a big import holds the only write lock for minutes; the poll must not wait for it).
    POLL_HEADER = "X-Sammachip-Poll"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            idle = settings.SAMMACHIP_SESSION_IDLE_MINUTES * 60
            if isinstance(last, int) and now - last > idle:
                logout(request)
                messages.info(
                    request,
                    _("ออกจากระบบอัตโนมัติแล้ว เนื่องจากไม่มีการใช้งานเกิน %(minutes)d นาที กรุณาเข้าสู่ระบบอีกครั้ง")
                    % {"minutes": settings.SAMMACHIP_SESSION_IDLE_MINUTES},
                )
            elif (not isinstance(last, int) or now - last >= self.WRITE_EVERY) and not (
                request.headers.get(self.POLL_HEADER)
            ):
                request.session[self.KEY] = now
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    """``user_logged_in``: the idle clock starts at login (saved with the new session)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IdleSessionTimeoutMiddleware.KEY] = int(time.time())


class TrustedAuditlogMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with the client address from the trusted proxy only (its
    own reads the first, client-written, ``X-Forwarded-For`` entry) and no client-sent port."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None
