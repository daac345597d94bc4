"""Issue 13, item 9: NUL bytes and overlong input are refused (400/404 or a Thai form error), never
a 500 — on SQLite and on PostgreSQL, whose text columns refuse NUL and whose varchar(255) refuses
a longer value where SQLite stores anything. The shared mechanism is
``sammachip.middleware.ControlCharacterMiddleware`` (NUL and other control characters in the path,
parameters and cookies) and the admin's login form (the username's length)."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from sammachip import throttle
from tests.security.support import LOGIN, logged_in

pytestmark = pytest.mark.django_db
REFUSED = "คำขอไม่ถูกต้อง"  # the Thai 400 page
AUTOCOMPLETE = "/admin/autocomplete/?app_label=programs&model_name=household&field_name=village"


@pytest.fixture
def client():
    # A failing request answers its error page (as it would in production) instead of
    # re-raising into the test.
    return Client(raise_request_exception=False)


def refused(response):
    return response.status_code == 400 and REFUSED in response.content.decode()


def test_nul_in_a_public_path_is_the_thai_400_page(client, geography):
    """Item 9: /districts/%00/ answers the Thai 400 page, not a 500 (PostgreSQL refused the NUL
    in the district lookup)."""
    response = client.get("/districts/%00/")
    assert refused(response)
    assert response["Cache-Control"] == "no-store"


def test_a_5000_character_username_is_a_thai_form_error(client, geography):
    """Item 9: a 5,000-character username at login is a Thai form error, not a 500 (django-axes
    stored it in a varchar(255)); nothing of it is recorded."""
    response = client.post(LOGIN, {"username": "ก" * 5000, "password": "x", "next": "/admin/"})
    assert response.status_code == 200
    assert "ชื่อผู้ใช้ยาวได้ไม่เกิน 150 ตัวอักษร" in response.content.decode()
    assert not logged_in(client)
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_axes_never_records_a_username_longer_than_an_account_may_have(rf):
    """Item 9: whatever reaches ``authenticate()``, the username axes stores is bounded."""
    request = rf.post(LOGIN, {"username": "x" * 5000})
    assert throttle.client_username(request, {"username": "x" * 5000}) == "x" * 150
    assert throttle.client_username(request) == "x" * 150
    assert throttle.client_username(request, {"username": "somsak"}) == "somsak"


def test_nul_in_a_changelist_filter_is_the_thai_400_page(client, province_staff):
    """Item 9: ?status__exact=%00 on the household changelist is refused, not a 500."""
    client.force_login(province_staff)
    assert refused(client.get("/admin/programs/household/?status__exact=%00"))


def test_nul_in_an_autocomplete_term_is_the_thai_400_page(client, province_staff):
    """Item 9: the admin autocomplete with term=%00 (as staff) is refused, not a 500."""
    client.force_login(province_staff)
    assert refused(client.get(AUTOCOMPLETE + "&term=%00"))
    assert client.get(AUTOCOMPLETE + "&term=บ้าน").status_code == 200


def test_nul_in_a_login_or_a_cookie_is_refused(client, geography):
    """Item 9: a NUL in a posted form value or in the session cookie is refused before the login,
    the throttle or the session store puts it into a query."""
    response = client.post(LOGIN, {"username": "somsak\x00", "password": "x", "next": "/admin/"})
    assert refused(response)
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert refused(client.get("/admin/"))


def test_ordinary_text_passes(client, geography):
    """Item 9: tab, line feed and carriage return (what a textarea sends) and Thai text pass."""
    assert client.get("/articles/?q=ผ้าไหม%09มัดหมี่").status_code == 200
    response = client.post(LOGIN, {"username": "สมศักดิ์\r\n", "password": "x", "next": "/admin/"})
    assert response.status_code == 200


def test_djangos_own_400_is_the_thai_page_too(client, geography):
    """Item 9: a request Django itself refuses (an unknown Host) gets the same Thai 400 page."""
    assert refused(client.get("/", headers={"Host": "evil.example"}))
