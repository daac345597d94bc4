"""The public search (/articles/?q=) is rate-limited per client (built with the Thai search,
articles.search; its own tests are in tests/articles/test_search.py). Here: the limit is on by
default, and a forged X-Forwarded-For does not escape it."""

import time

import pytest
import time_machine

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_minute():
    """The clock stopped in the middle of the current minute: the limit counts per minute, so
    the searches below never straddle two windows."""
    now = time.time()
    with time_machine.travel(now - now % 60 + 30, tick=False):
        yield


def test_searching_is_limited_per_client_by_default(client, settings, frozen_minute):
    limit = getattr(settings, "SAMMACHIP_SEARCH_RATE_LIMIT", 30)
    assert 0 < limit <= 60
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
