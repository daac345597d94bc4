"""Every public page runs the same number of queries with little data as with a lot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Household
from sammachip.cache import bump_content_version
from tests.sammachip.public_data import build_portal

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/sages/",
    "/sages/{sage}/",
    "/districts/",
    "/districts/4012/",
    "/stats/",
    "/stats/csv",
    "/about/",
    "/privacy/",
    "/sitemap.xml",
]


def _queries(client, urls):
    """The number of queries of each page, each built afresh (a cache miss)."""
    counts = {}
    for url in urls:
        bump_content_version()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries.captured_queries)
    return counts


def test_public_page_queries_do_not_grow(client, geography):
    """All the pages in one test: the data is built twice in all, not twice a page (that took
    two minutes of the suite)."""
    small = build_portal(villages=1, households_per_village=20, articles=1)
    urls = [page.format(sage=small["sages"][0].pk) for page in PAGES]
    few = _queries(client, urls)
    build_portal(villages=9, households_per_village=25, articles=8)
    assert Household.objects.count() > 200
    assert _queries(client, urls) == few
