"""The shared cache of public pages: anonymous visitors only, keyed by the full URL and a content
version that every change bumps."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from articles import services as article_services
from programs.models import Household, Product
from sammachip import cache as public_cache
from tests.articles.factories import make_article
from tests.factories import make_user
from tests.programs.factories import (
    make_group,
    make_household,
    make_occupation,
    make_product,
    make_sage,
    make_team,
)

pytestmark = pytest.mark.django_db

HEADER = "X-Public-Cache"


def test_an_anonymous_visitor_gets_the_second_view_from_the_cache(
    client, geography, django_assert_num_queries
):
    first = client.get("/")
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_the_key_is_the_full_url_with_its_query(client, geography):
    assert client.get("/stats/?fiscal_year=2568")[HEADER] == "miss"
    assert client.get("/stats/?fiscal_year=2567")[HEADER] == "miss"
    assert client.get("/stats/?fiscal_year=2568")[HEADER] == "hit"


def test_a_logged_in_user_neither_reads_nor_fills_the_shared_cache(client, geography):
    staff = make_user(role="province")
    client.force_login(staff)
    assert client.get("/sages/")[HEADER] == "bypass"
    assert client.get("/sages/")[HEADER] == "bypass"
    client.logout()
    assert client.get("/sages/")[HEADER] == "miss"  # nothing was stored for the staff user
    client.force_login(staff)
    assert client.get("/sages/")[HEADER] == "bypass"  # nor is the anonymous copy served


def test_a_visitor_with_pending_messages_is_not_served_from_the_cache(client, geography):
    client.get("/about/")
    client.cookies["messages"] = "pending"
    assert client.get("/about/")[HEADER] == "bypass"


def test_not_found_is_not_cached(client, geography):
    assert client.get("/sages/999999/").status_code == 404
    assert client.get("/sages/999999/").status_code == 404
    request = RequestFactory().get("/sages/999999/")
    assert cache.get(public_cache.page_key(request, public_cache.content_version())) is None


@pytest.mark.parametrize(
    "change",
    [
        "household",
        "household_deleted",
        "sage",
        "sage_expertise",
        "team",
        "group",
        "product",
        "article_published",
    ],
)
def test_every_content_change_invalidates_the_pages(
    client, geography, change, django_capture_on_commit_callbacks
):
    village = make_household().village
    sage = make_sage(village=village, is_public=True)
    article = make_article(status="review")
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        if change == "household":
            make_household(village=village)
        elif change == "household_deleted":
            Household.objects.first().delete()
        elif change == "sage":
            sage.bio = "ประวัติใหม่"
            sage.save()
        elif change == "sage_expertise":
            sage.expertise.add(make_occupation("ทำขนมไทย"))
        elif change == "team":
            make_team(village=village, sage=sage)
        elif change == "group":
            make_group(village=village)
        elif change == "product":
            make_product(village=village, is_featured=True)
        elif change == "article_published":
            article_services.article_publish(article=article, user=None)
    assert client.get("/")[HEADER] == "miss"


def test_a_new_featured_product_shows_at_once(client, geography):
    client.get("/")
    make_product(name="ข้าวเกรียบแนะนำใหม่", is_featured=True)
    assert "ข้าวเกรียบแนะนำใหม่" in client.get("/").content.decode()


def test_a_scheduled_article_bounds_the_cache_timeout(geography, monkeypatch, client):
    soon = timezone.now() + datetime.timedelta(seconds=90)
    make_article(status="published", published_at=soon)
    assert 85 <= public_cache.seconds_until_next_publication() <= 91
    stored = {}
    real_set = cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith(public_cache.PAGE_KEY_PREFIX):
            stored["timeout"] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    client.get("/")
    assert stored["timeout"] <= 91


def test_without_a_scheduled_article_the_page_keeps_the_full_timeout(geography):
    make_article(status="published")  # already public
    assert public_cache.seconds_until_next_publication() is None
    assert public_cache.page_timeout() == public_cache.PAGE_TIMEOUT


def test_a_lost_version_key_never_comes_back_lower(geography):
    old = public_cache.content_version()
    cache.delete(public_cache.VERSION_KEY)
    assert public_cache.content_version() > old
    cache.delete(public_cache.VERSION_KEY)
    public_cache.bump_content_version()
    assert public_cache.content_version() > old


def test_a_cache_outage_serves_the_page_uncached(client, geography, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "incr", down)
    response = client.get("/stats/")
    assert response.status_code == 200
    Product.objects.all().delete()  # saving content still works with the cache down


def test_a_page_with_a_csrf_token_or_a_csp_nonce_is_not_stored(rf, geography):
    from django.middleware.csrf import get_token
    from django.views.generic import TemplateView

    page = TemplateView.as_view(template_name="sammachip/about.html")

    cases = [
        (lambda request: None, "hit"),  # the control: an ordinary page is stored
        (get_token, "miss"),
        (lambda request: setattr(request, "_csp_nonce", "n0nce"), "miss"),
    ]
    for number, (touch, second) in enumerate(cases):

        def view(request, touch=touch):
            touch(request)
            return page(request)

        wrapped = public_cache.cache_public_page(view)
        for expected in ("miss", second):
            request = rf.get(f"/about/?case={number}")
            request.user = AnonymousUser()
            assert wrapped(request)[HEADER] == expected


@pytest.mark.parametrize(
    "url",
    ["/articles/", "/articles/?q=ผ้าไหม", "/articles/feed/", "/sitemap.xml", "detail"],
)
def test_article_pages_are_cached_and_follow_publication(
    client, geography, url, django_capture_on_commit_callbacks
):
    shown = make_article(status="published", title="ผ้าไหมลายเดิม")
    url = shown.get_absolute_url() if url == "detail" else url
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"
    fresh = make_article(status="review", title="ผ้าไหมลายใหม่ล่าสุด")
    with django_capture_on_commit_callbacks(execute=True):
        article_services.article_publish(article=fresh, user=None)
    response = client.get(url)
    assert response[HEADER] == "miss"
    if url == "/sitemap.xml":
        assert fresh.get_absolute_url() in response.content.decode()
    elif url != shown.get_absolute_url():
        assert "ลายใหม่ล่าสุด" in response.content.decode()  # (search marks ผ้าไหม)


def test_shared_page_data_is_read_once_per_content_version(geography):
    calls = []

    def compute():
        calls.append(1)
        return ["เมนู"]

    assert public_cache.cached_for_content("menu", compute) == ["เมนู"]
    assert public_cache.cached_for_content("menu", compute) == ["เมนู"]
    assert len(calls) == 1
    public_cache.bump_content_version()
    public_cache.cached_for_content("menu", compute)
    assert len(calls) == 2


def test_shared_page_data_is_computed_when_the_cache_is_down(geography, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert public_cache.cached_for_content("menu", lambda: ["เมนู"]) == ["เมนู"]


def test_a_scheduled_article_gone_live_is_not_the_next_one_any_more(geography, monkeypatch):
    now = timezone.now()
    first = make_article(status="published", published_at=now + datetime.timedelta(seconds=60))
    second = make_article(status="published", published_at=now + datetime.timedelta(hours=2))
    assert public_cache.next_publication() == first.published_at
    later = now + datetime.timedelta(seconds=120)  # the first went live by the clock alone
    monkeypatch.setattr(public_cache.timezone, "now", lambda: later)
    assert public_cache.next_publication() == second.published_at


def test_programme_figures_are_computed_once_per_content_version(
    geography, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from programs import public_stats

    village = make_household(fiscal_year=2568).village
    first = public_stats.programme_figures(fiscal_year=2568)
    with django_assert_num_queries(0):
        again = public_stats.programme_figures(fiscal_year=2568)
    assert again.province.total == first.province.total
    with django_capture_on_commit_callbacks(execute=True):
        make_household(village=village, fiscal_year=2568)
    assert public_stats.programme_figures(fiscal_year=2568).province.total.value == (
        first.province.total.value + 1
    )


def test_a_new_url_of_the_home_page_reuses_the_figures(
    client, geography, django_assert_num_queries
):
    make_household()
    client.get("/")
    with django_assert_num_queries(4):  # province, featured products, latest articles, districts
        assert client.get("/", {"fbclid": "shared-on-facebook"})[HEADER] == "miss"


def test_the_timeout_counts_from_when_the_page_started_rendering(geography):
    soon = timezone.now() + datetime.timedelta(seconds=90)
    make_article(status="published", published_at=soon)
    started = soon - datetime.timedelta(seconds=10)  # a render that began 10 s before
    assert public_cache.page_timeout(now=started) <= 11
