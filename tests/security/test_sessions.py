"""Staff sessions end after 30 minutes without a request, with a Thai message."""

import time

import pytest

from sammachip.middleware import IdleSessionTimeoutMiddleware
from tests.factories import make_user
from tests.security.support import TEST_PASSWORD, logged_in, post_login

pytestmark = pytest.mark.django_db
KEY = IdleSessionTimeoutMiddleware.KEY


@pytest.fixture
def officer_client(client, geography):
    make_user(username="officer", role="district", districts=["4012"])
    assert post_login(client, "officer", TEST_PASSWORD).status_code == 302
    return client


def last_request(client, seconds_ago):
    """Pretend the client's last request was ``seconds_ago`` (the clock is in the session)."""
    session = client.session
    session[KEY] = int(time.time()) - seconds_ago
    session.save()


def test_the_idle_limit_is_thirty_minutes(settings):
    assert settings.SAMMACHIP_SESSION_IDLE_MINUTES == 30


def test_29_idle_minutes_keep_the_session(officer_client):
    last_request(officer_client, 29 * 60)
    assert officer_client.get("/admin/villages/village/").status_code == 200
    assert logged_in(officer_client)


def test_31_idle_minutes_sign_the_officer_out(officer_client):
    last_request(officer_client, 31 * 60)
    response = officer_client.get("/admin/villages/village/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/villages/village/")
    assert not logged_in(officer_client)
    login_page = officer_client.get(response["Location"]).content.decode()
    assert "ไม่มีการใช้งานเกิน 30 นาที" in login_page


def test_an_idle_session_cannot_post_either(officer_client, two_districts):
    village = two_districts["phon"]
    last_request(officer_client, 31 * 60)
    response = officer_client.post(
        f"/admin/villages/village/{village.pk}/change/", {"name_th": "เปลี่ยนชื่อ"}
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.name_th == "บ้านพลสาธิต"


def test_activity_keeps_the_session_alive(officer_client):
    last_request(officer_client, 20 * 60)
    officer_client.get("/admin/")  # a request 20 minutes after the last one moves the clock
    assert time.time() - officer_client.session[KEY] < 5
    assert officer_client.get("/admin/").status_code == 200


def test_the_limit_is_a_setting(officer_client, settings):
    settings.SAMMACHIP_SESSION_IDLE_MINUTES = 5
    last_request(officer_client, 6 * 60)
    assert officer_client.get("/admin/").status_code == 302
    assert not logged_in(officer_client)
