"""The public search (/articles/?q=) is rate-limited per client (built with the Thai search,
articles.search; its own tests are in tests/articles/test_search.py). Here: the limit is on by
default, and a forged X-Forwarded-For does not escape it."""

import time

import pytest

pytestmark = pytest.mark.django_db


def test_searching_is_limited_per_client_by_default(client, settings):
    limit = getattr(settings, "SAMMACHIP_SEARCH_RATE_LIMIT", 30)
    assert 0 < limit <= 60
    while time.time() % 60 > 45:  # the limit counts per minute: stay inside one
        time.sleep(1)
    statuses = [
        client.get(
            "/articles/",
            {"q": "ผ้าไหม"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.9.0.{n}",
        ).status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429
    # Another client is not affected.
    assert client.get("/articles/", {"q": "ผ้าไหม"}, REMOTE_ADDR="203.0.113.6").status_code == 200
