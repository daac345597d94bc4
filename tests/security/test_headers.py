"""Security headers and cookies on real responses, in production mode behind the proxy."""

import re
import urllib.request

import pytest

from tests.factories import make_user
from tests.security.support import HTTPS, TEST_PASSWORD, post_login

ONE_YEAR = 365 * 24 * 60 * 60

pytestmark = pytest.mark.django_db

PAGES = [
    "/",  # a public page
    "/privacy/",
    "/admin/login/",  # the staff login
    "/admin/",  # a redirect to it
    "/no-such-page/",  # the Thai 404
    "/robots.txt",
    "/healthz",
]


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response):
    hsts = response["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in hsts
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp["style-src"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.has_header("Server")


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_response_carries_the_headers(https_client, path):
    response = https_client.get(path)
    assert response.status_code in (200, 302, 404)
    assert_hardened(response)


def test_a_refused_login_and_a_lockout_carry_them_too(https_client):
    make_user(username="officer")
    assert_hardened(post_login(https_client, "officer"))
    for _ in range(5):
        response = post_login(https_client, "officer")
    assert response.status_code == 429
    assert_hardened(response)


def test_plain_http_is_sent_to_https(production_https, client):
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/login/"
    # HSTS is only ever sent over HTTPS, as browsers require.
    assert not response.has_header("Strict-Transport-Security")


def test_session_and_csrf_cookies_are_secure_and_the_session_httponly(https_client):
    make_user(username="officer")
    page = https_client.get("/admin/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"]
    response = post_login(https_client, "officer", TEST_PASSWORD)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    # A session cookie: gone when the browser closes.
    assert not session["max-age"]
    assert not session["expires"]


# ---- the production app server ----------------------------------------------------------------


def test_the_production_server_names_no_software_version(production_server):
    request = urllib.request.Request(production_server + "/admin/login/", headers=HTTPS)
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = response.headers
    server = headers.get("Server", "")
    assert not re.search(r"\d", server)
    assert "python" not in server.lower()
    assert "gunicorn" not in server.lower()
    # The application's own headers arrive intact through the real server.
    assert int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1)) >= (
        ONE_YEAR
    )
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
