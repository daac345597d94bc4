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


@pytest.mark.parametrize("page", PAGES)
def test_public_page_queries_do_not_grow(client, geography, page, django_assert_num_queries):
    small = build_portal(villages=1, households_per_village=20, articles=1)
    url = page.format(sage=small["sages"][0].pk)
    bump_content_version()  # a cache miss: the page is built
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    build_portal(villages=9, households_per_village=25, articles=8)
    assert Household.objects.count() > 200
    bump_content_version()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
