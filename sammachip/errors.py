"""Error pages that must render without the database.

``database_unavailable`` answers 503 with the Thai page ``templates/503.html`` (rendered without
context processors: no query, no session) and ``Retry-After``. It is used by
``sammachip.middleware.DatabaseUnavailableMiddleware`` for exceptions raised in views and by
``server_error`` (``handler500``) for those raised elsewhere, e.g. in a middleware loading the
session.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("sammachip.errors")
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exception):
    """The exception, or one it was raised from, is a lost or refused database connection."""
    for _ in range(5):
        if exception is None:
            return False
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def database_unavailable(request, exception=None):
    logger.error(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(exception).__name__ if exception else "error",
        str(exception).strip().splitlines()[0] if exception and str(exception).strip() else "",
    )
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """``handler500``: the 503 page when the cause is the database, Django's 500 otherwise."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return database_unavailable(request, exception)
    return default_server_error(request, template_name)
