"""The search package (``articles/search/``): the public names stay importable from
``articles.search``, the backend is chosen once per connection from its vendor, and the rate
limit of searches is core's counter with its number read from the environment."""

import runpy
import types
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from articles import search
from articles.search import backends
from sammachip import ratelimit

SETTINGS = Path(__file__).resolve().parents[2] / "sammachip" / "settings.py"

# What views, admin, services, commands, bench/search.py, deploy and tests call.
PUBLIC = [
    "MAX_QUERY_CHARS",
    "RankedPaginator",
    "SearchQuery",
    "articles_in_order",
    "counted",
    "highlight",
    "normalise",
    "on_article_changed",
    "parse_query",
    "ranked_ids",
    "search",
    "search_entry_update",
    "search_index_rebuild",
    "snippet",
    "sub_words",
    "thai_spelling",
    "words",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_are_importable_from_the_package(name):
    assert hasattr(search, name)


def test_the_package_re_exports_the_modules_own_objects():
    from articles.search import index, query, snippets, text

    assert search.parse_query is query.parse_query
    assert search.search_entry_update is index.search_entry_update
    assert search.snippet is snippets.snippet
    assert search.normalise is text.normalise


def test_the_backend_matches_the_connection():
    assert backends.get_backend().vendor == connection.vendor


def test_the_backend_is_chosen_once_per_connection():
    assert backends.get_backend() is backends.get_backend()


def test_an_unknown_database_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(backends, "connections", {"other": types.SimpleNamespace(vendor="oracle")})
    with pytest.raises(ImproperlyConfigured, match="oracle"):
        backends.get_backend("other")


@pytest.mark.django_db
def test_the_search_asks_the_backend(monkeypatch):
    asked = []
    backend = backends.get_backend()
    real = backend.matches

    def matches(query, column):
        asked.append(column)
        return real(query, column)

    monkeypatch.setattr(backend, "matches", matches)
    list(search.ranked_ids(search.parse_query("ข้าว")))
    assert asked == ["document", "title"]


def request_from(address):
    return RequestFactory().get("/articles/", {"q": "ข้าว"}, REMOTE_ADDR=address)


def test_client_allowed_counts_per_client_and_scope(settings):
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 0
    first, other = request_from("198.51.100.7"), request_from("198.51.100.8")
    assert [ratelimit.client_allowed(first, "t-scope", limit=2) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert ratelimit.client_allowed(other, "t-scope", limit=2)
    assert ratelimit.client_allowed(first, "t-other-scope", limit=2)


def test_client_allowed_without_a_limit_never_refuses():
    request = request_from("198.51.100.9")
    assert all(ratelimit.client_allowed(request, "t-off", limit=0) for _ in range(50))


def settings_with(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS), run_name="settings_copy")


def test_search_rate_limit_is_read_from_the_environment(monkeypatch):
    assert (
        settings_with(monkeypatch, SAMMACHIP_SEARCH_RATE_LIMIT="7")["SAMMACHIP_SEARCH_RATE_LIMIT"]
        == 7
    )


def test_search_rate_limit_defaults_to_30(monkeypatch):
    monkeypatch.delenv("SAMMACHIP_SEARCH_RATE_LIMIT", raising=False)
    assert settings_with(monkeypatch)["SAMMACHIP_SEARCH_RATE_LIMIT"] == 30
