"""Login throttling with real failed POSTs to the admin's login form.

Per username and address (django-axes): 5 failures lock that pair for 15 minutes. Per account: at
most 100 wrong passwords an hour from any number of addresses (OWASP ASVS 2.2.1). The address is
the connection's, or the one the trusted proxy wrote: never one a client sent.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from tests.factories import make_user
from tests.security.support import TEST_PASSWORD, WRONG, logged_in, post_login

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "ระงับการเข้าสู่ระบบชั่วคราว"
VICTIM = "10.0.0.5"
ATTACKER = "203.0.113.9"
PROXY = "127.0.0.1"  # nginx on the same host


@pytest.fixture
def officer(db):
    return make_user(username="officer")


def fail(client, times, username="officer", **extra):
    response = None
    for _ in range(times):
        response = post_login(client, username, WRONG, **extra)
    return response


def test_a_wrong_password_is_refused_in_thai(client, officer):
    response = post_login(client, "officer")
    assert response.status_code == 200
    assert "และรหัสผ่านให้ถูกต้อง" in response.content.decode()
    assert not logged_in(client)


def test_five_failures_lock_out_even_the_right_password_with_a_thai_page(client, officer):
    fail(client, 4)
    response = fail(client, 1)
    assert response.status_code == 429
    response = post_login(client, "officer", TEST_PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert LOCKED_TEXT in html
    assert "15 นาที" in html
    assert '<html lang="th"' in html
    assert response["Retry-After"] == str(15 * 60)


def test_four_failures_then_the_right_password_get_in(client, officer):
    fail(client, 4)
    response = post_login(client, "officer", TEST_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_lifts_after_the_cool_off(client, officer):
    fail(client, 5)
    assert post_login(client, "officer", TEST_PASSWORD).status_code == 429
    sixteen_minutes_ago = timezone.now() - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    response = post_login(client, "officer", TEST_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_refused_attempts_do_not_extend_the_lock(client, officer):
    fail(client, 5)
    fourteen_minutes_ago = timezone.now() - datetime.timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=fourteen_minutes_ago)
    fail(client, 10)  # refused without a password check: the cool-off does not restart
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    assert post_login(client, "officer", TEST_PASSWORD).status_code == 302


def test_the_lock_is_for_that_address_only(client, officer):
    fail(client, 5, REMOTE_ADDR=ATTACKER)
    colleague = Client()
    response = post_login(colleague, "officer", TEST_PASSWORD, REMOTE_ADDR=VICTIM)
    assert response.status_code == 302
    assert logged_in(colleague)


# ---- the address: never the client's X-Forwarded-For ----------------------------------------


def test_a_forged_forwarded_for_does_not_reset_the_count(client, officer):
    for n in range(5):
        post_login(client, "officer", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = post_login(
        client, "officer", TEST_PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.77"
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_forwarded_for_does_not_lock_out_someone_else(client, officer):
    fail(client, 10, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    victim = Client()
    response = post_login(victim, "officer", TEST_PASSWORD, REMOTE_ADDR=VICTIM)
    assert response.status_code == 302


def test_behind_the_proxy_the_address_it_wrote_counts(client, officer, settings):
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1
    # nginx appends the address it saw; whatever the client wrote before it changes nothing.
    for n in range(5):
        post_login(
            client,
            "officer",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ATTACKER}",
        )
    response = post_login(
        client,
        "officer",
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{VICTIM}, {ATTACKER}",
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The victim, also through the proxy, is not locked out by the forged entries.
    victim = Client()
    response = post_login(
        victim, "officer", TEST_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM
    )
    assert response.status_code == 302


def test_behind_the_proxy_different_clients_are_counted_apart(client, officer, settings):
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1
    fail(client, 5, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    colleague = Client()
    response = post_login(
        colleague, "officer", TEST_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM
    )
    assert response.status_code == 302


# ---- per account, from any number of addresses --------------------------------------------


def spray(client, username, count, first=1):
    """One wrong password each from ``count`` different addresses."""
    for n in range(first, first + count):
        response = post_login(client, username, REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}")
        assert response.status_code == 200  # each was a real check, none locked by axes
    return response


def test_an_account_takes_at_most_100_wrong_passwords_an_hour(client, officer, settings):
    assert settings.SAMMACHIP_LOGIN_FAILURES_PER_HOUR == 100
    bystander = make_user(username="bystander")
    spray(client, "officer", 100)
    assert AccessFailureLog.objects.filter(username="officer").count() == 100

    # The 101st attempt, even with the right password from a new address, is refused unchecked.
    response = post_login(client, "officer", TEST_PASSWORD, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert LOCKED_TEXT in html
    assert "เกิน 100 ครั้งภายใน 1 ชั่วโมง" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert AccessFailureLog.objects.filter(username="officer").count() == 100

    # Other accounts are not affected.
    other = Client()
    assert post_login(other, bystander.username, TEST_PASSWORD).status_code == 302

    # An hour later the account can be used again.
    AccessFailureLog.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    response = post_login(client, "officer", TEST_PASSWORD, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 302
    assert logged_in(client)


def test_the_hourly_limit_applies_to_unknown_usernames_alike(client, settings):
    settings.SAMMACHIP_LOGIN_FAILURES_PER_HOUR = 3
    spray(client, "nobody", 3)
    response = post_login(client, "nobody", REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
