"""The search backend of a database: how a query is matched and how the index is kept, per
engine. Chosen once per connection alias from its vendor (``get_backend()``), as Wagtail picks
its search backends; nothing outside this package asks which database it runs on."""

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.module_loading import import_string

BACKENDS = {
    "postgresql": "articles.search.backends.postgresql.PostgreSQLSearchBackend",
    "sqlite": "articles.search.backends.sqlite.SQLiteSearchBackend",
}

_backends = {}  # (alias, vendor) -> backend


class SearchBackend:
    """What a backend answers; the subclasses hold the SQL of one engine."""

    vendor = None

    def __init__(self, alias=DEFAULT_DB_ALIAS):
        self.alias = alias

    @property
    def connection(self):
        return connections[self.alias]

    def matches(self, query, column):
        """A condition on ``ArticleSearchEntry``: its ``column`` ("title" or "document")
        matches ``query`` (an ``articles.search.query.SearchQuery``)."""
        raise NotImplementedError

    def shared_with_other_processes(self):
        """Whether worker processes see this database (they cannot see an in-memory one)."""
        return True

    def index_rebuilt(self):
        """Called after every entry has been rewritten (``search_index_rebuild``)."""


def get_backend(using=DEFAULT_DB_ALIAS):
    """The search backend of the database ``using``, created on first use, then reused."""
    vendor = connections[using].vendor
    backend = _backends.get((using, vendor))
    if backend is None:
        try:
            path = BACKENDS[vendor]
        except KeyError:
            raise ImproperlyConfigured(
                f"Thai search has no backend for the {vendor!r} database "
                f"(available: {', '.join(BACKENDS)})."
            ) from None
        backend = _backends[(using, vendor)] = import_string(path)(using)
    return backend
