"""PostgreSQL-only tuning of a few queries, and nothing elsewhere (one of the modules that may
read ``connection.vendor``: tests/sammachip/test_layers.py)."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def without_jit():
    """Run the queries inside with PostgreSQL's JIT compiler off (``SET LOCAL`` in a transaction:
    the connection's setting is untouched for other queries). For a query whose large estimated
    cost (correlated subqueries in a ``CASE`` per row) makes the compiler spend seconds on it, as
    the follow-up schedule's (``programs.schedule``). Other databases: nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
