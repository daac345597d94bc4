"""The project's own views: the health check for load balancers. The public pages that combine
apps are the portal's (``sammachip.portal``)."""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def cache_answers():
    """A round trip through the shared cache (a key of its own, so processes never collide)."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:
        return False
    return answered


@never_cache
def healthz(request):
    """Liveness check for load balancers: 200 when the database and the cache answer, else 503."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        database = "unavailable"
    shared_cache = "ok" if cache_answers() else "unavailable"
    healthy = database == "ok" and shared_cache == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "cache": shared_cache},
        status=200 if healthy else 503,
    )
