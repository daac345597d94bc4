"""The staff pages can live at another path (DJANGO_ADMIN_URL); everything follows them."""

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import clear_url_caches

from sammachip.middleware import IdleSessionTimeoutMiddleware
from tests.factories import make_user
from tests.security.support import TEST_PASSWORD, WRONG

ROOT = Path(__file__).resolve().parents[2]
STAFF = "/staff-7q2/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_url(settings):
    """The site as started with DJANGO_ADMIN_URL=staff-7q2 (the root urlconf read again)."""
    import sammachip.urls

    original = settings.SAMMACHIP_ADMIN_URL
    settings.SAMMACHIP_ADMIN_URL = STAFF.strip("/") + "/"
    importlib.reload(sammachip.urls)
    clear_url_caches()
    yield STAFF
    settings.SAMMACHIP_ADMIN_URL = original
    importlib.reload(sammachip.urls)
    clear_url_caches()


def login(client, username, password):
    return client.post(
        STAFF + "login/", {"username": username, "password": password, "next": STAFF}
    )


def test_the_environment_variable_moves_the_admin():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="sammachip.settings_test",
        DJANGO_ADMIN_URL="/staff-7q2/",
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.urls import reverse; print(reverse('admin:login'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "/staff-7q2/login/", result.stderr


def test_the_old_path_is_gone_and_the_new_one_asks_for_a_login(client, staff_url):
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    response = client.get(staff_url)
    assert response.status_code == 302
    assert response["Location"] == f"{staff_url}login/?next={staff_url}"


def test_login_and_the_forced_password_change_follow_the_new_path(client, staff_url, geography):
    make_user(username="officer", role="district", districts=["4012"], must_change_password=True)
    response = login(client, "officer", TEST_PASSWORD)
    assert response.status_code == 302
    response = client.get(staff_url + "villages/village/")
    assert response["Location"] == staff_url + "password_change/"
    response = client.post(
        staff_url + "password_change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "ปลูกผักสวนครัว-2568",
            "new_password2": "ปลูกผักสวนครัว-2568",
        },
    )
    assert response["Location"] == staff_url + "password_change/done/"
    assert client.get(staff_url + "villages/village/").status_code == 200


def test_the_idle_timeout_sends_to_the_new_login(client, staff_url, geography):
    make_user(username="officer", role="district", districts=["4012"])
    login(client, "officer", TEST_PASSWORD)
    session = client.session
    session[IdleSessionTimeoutMiddleware.KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(staff_url)
    assert response["Location"].startswith(staff_url + "login/")


def test_the_login_throttle_guards_the_new_path(client, staff_url, geography):
    make_user(username="officer")
    for _ in range(5):
        login(client, "officer", WRONG)
    response = login(client, "officer", TEST_PASSWORD)
    assert response.status_code == 429
    assert f'href="{staff_url}login/"' in response.content.decode()
