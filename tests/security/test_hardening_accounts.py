"""Issue 13, items 12, 14 and 16 (login): the forced password change refuses the temporary
password, a moved admin path is published nowhere public, a refused ?next= lands on the admin."""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse

from sammachip.models import User
from tests.factories import make_user
from tests.security.support import LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.django_db
MOVED = "staff-7q2"
PUBLIC_PAGES = [
    "/",
    "/articles/",
    "/sages/",
    "/districts/",
    "/districts/4012/",
    "/stats/",
    "/about/",
    "/privacy/",
    "/robots.txt",
    "/sitemap.xml",
    "/no-such-page/",
    "/districts/%00/",  # the 400 page
]


@pytest.fixture
def moved_admin(settings):
    """The site as started with DJANGO_ADMIN_URL=staff-7q2 (the root urlconf read again, as in
    tests/security/test_admin_url.py)."""
    import sammachip.urls

    settings.SAMMACHIP_ADMIN_URL = f"{MOVED}/"
    importlib.reload(sammachip.urls)
    clear_url_caches()
    yield f"/{MOVED}/"
    settings.SAMMACHIP_ADMIN_URL = "admin/"
    importlib.reload(sammachip.urls)
    clear_url_caches()


# ---- item 12 -----------------------------------------------------------------------------------


def test_the_forced_change_refuses_the_temporary_password(client, geography):
    """Item 12: the forced password change refuses the temporary password as the new one, in
    Thai, and the change is still required."""
    user = make_user(username="somsak", districts=["4012"], must_change_password=True)
    client.post(LOGIN, {"username": "somsak", "password": TEST_PASSWORD, "next": "/admin/"})
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": TEST_PASSWORD,
            "new_password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม" in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password
    assert user.check_password(TEST_PASSWORD)
    assert client.get("/admin/")["Location"] == "/admin/password_change/"


def test_the_forced_change_accepts_a_different_password(client, geography):
    """Item 12: a new password that differs is accepted and lifts the forced change."""
    make_user(username="somsak", districts=["4012"], must_change_password=True)
    client.post(LOGIN, {"username": "somsak", "password": TEST_PASSWORD, "next": "/admin/"})
    new = "ปลูกผักสวนครัว-2568"
    response = client.post(
        "/admin/password_change/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/admin/password_change/done/"
    assert not User.objects.get(username="somsak").must_change_password


# ---- item 14 -----------------------------------------------------------------------------------


def test_a_moved_admin_path_is_on_no_public_page(client, moved_admin, geography):
    """Item 14: with DJANGO_ADMIN_URL=staff-7q2 neither robots.txt nor the navbar (nor any other
    public page) names the path."""
    anonymous = Client(raise_request_exception=False)
    for url in PUBLIC_PAGES:
        response = anonymous.get(url)
        assert response.status_code in (200, 400, 404), url
        assert MOVED not in response.content.decode(), url
    assert "Disallow" not in anonymous.get("/robots.txt").content.decode()


def test_signed_in_staff_still_find_a_moved_admin_in_the_navbar(client, moved_admin, geography):
    """Item 14: the navbar links a moved admin for signed-in staff (pages never cached)."""
    client.force_login(make_user(username="somsak", districts=["4012"]))
    assert f'href="/{MOVED}/"' in client.get("/").content.decode()


def test_the_default_admin_path_is_still_kept_from_crawlers_and_linked(client, geography):
    """Item 14: at its default (well-known) path the admin stays disallowed and linked."""
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode()
    assert 'href="/admin/"' in client.get("/").content.decode()


# ---- item 16 (login) ---------------------------------------------------------------------------


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_refused_next_lands_on_the_admin_index(client, geography, next_url):
    """Item 16: a login whose ?next= is refused (another site) or empty lands on the admin
    index, not on a 404 at /accounts/profile/."""
    make_user(username="somsak", districts=["4012"])
    response = client.post(
        f"{LOGIN}?next={next_url}",
        {"username": "somsak", "password": TEST_PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_refused_next_follows_a_moved_admin(client, moved_admin, geography):
    """Item 16: with the admin moved, a refused ?next= lands on the moved index."""
    make_user(username="somsak", districts=["4012"])
    response = client.post(
        f"{moved_admin}login/?next=https://evil.example/",
        {"username": "somsak", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == moved_admin
