"""Helpers of the security tests."""

from tests.factories import TEST_PASSWORD

LOGIN = "/admin/login/"
HTTPS = {"X-Forwarded-Proto": "https"}  # what the documented reverse proxy sends
WRONG = "wrong-password-0000"

__all__ = ["HTTPS", "LOGIN", "TEST_PASSWORD", "WRONG", "logged_in", "post_login"]


def post_login(client, username, password=WRONG, **extra):
    """One real POST to the admin's login form."""
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def logged_in(client):
    return "_auth_user_id" in client.session
