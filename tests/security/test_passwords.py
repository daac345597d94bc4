"""Passwords: at least 12 characters, common ones refused, long and Thai ones accepted; an
account created with a temporary password must change it at first login."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from sammachip.models import User
from tests.factories import make_user
from tests.security.support import TEST_PASSWORD, logged_in, post_login

pytestmark = pytest.mark.django_db
CHANGE = "/admin/password_change/"
SIXTY_FOUR = "correct horse battery staple, then 64 characters of passphrase!!"
SIXTY_FOUR_THAI = "ก" * 20 + "x" * 44


@pytest.fixture
def officer(geography):
    return make_user(
        username="somsak",
        role="district",
        districts=["4012"],
        first_name="สมศักดิ์",
        last_name="ศรีสุวรรณวงศ์ใหญ่",
    )


@pytest.fixture
def officer_client(client, officer):
    assert post_login(client, "somsak", TEST_PASSWORD).status_code == 302
    return client


def change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("sh0rt-pass!", "สั้นเกินไป ต้องมีอย่างน้อย 12 ตัวอักษร"),
        ("password1234", "ใช้กันทั่วไปเกินไป"),
        ("qwertyuiop123", "ใช้กันทั่วไปเกินไป"),
        ("240125672567", "เป็นตัวเลขทั้งหมด"),
        ("ศรีสุวรรณวงศ์ใหญ่", "คล้ายกับนามสกุล"),  # the officer's own Thai surname
    ],
)
def test_weak_passwords_are_refused_in_thai(officer_client, officer, password, message):
    response = change(officer_client, TEST_PASSWORD, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "password",
    [
        "ฟ้าใสหลังฝนตกที่บ้านพล",  # a Thai passphrase
        "ข้าวเหนียว มะม่วง 2568!",  # Thai with spaces, digits, a symbol
        SIXTY_FOUR,
        SIXTY_FOUR_THAI,
    ],
)
def test_long_and_thai_passwords_are_accepted_and_work_at_login(officer_client, password):
    response = change(officer_client, TEST_PASSWORD, password)
    assert response.status_code == 302
    fresh = Client()
    assert post_login(fresh, "somsak", password).status_code == 302
    assert logged_in(fresh)


def test_the_64_character_example_is_64_characters():
    assert len(SIXTY_FOUR) == 64
    assert len(SIXTY_FOUR_THAI) == 64


def test_staff_creating_an_account_get_the_same_rules(client, geography):
    client.force_login(make_user(username="province", role="province"))
    response = client.post(
        "/admin/sammachip/user/add/",
        {
            "username": "newofficer",
            "password1": "short-pw1",
            "password2": "short-pw1",
            "role": "district",
            "is_staff": "on",
        },
    )
    assert response.status_code == 200
    assert "สั้นเกินไป" in response.content.decode()
    assert not User.objects.filter(username="newofficer").exists()


# ---- a temporary password must be changed at first login, end to end ------------------------


def test_create_officer_without_password_forces_a_change_at_first_login(client, geography):
    out = io.StringIO()
    call_command("create_officer", "newofficer", role="district", districts=["4012"], stdout=out)
    temporary = re.search(r"รหัสผ่านชั่วคราว: (\S+)", out.getvalue()).group(1)
    assert len(temporary) >= 12

    # The real login form, with the printed password.
    response = post_login(client, "newofficer", temporary)
    assert response.status_code == 302
    # Every page leads to the change form until the password is changed...
    for path in ("/admin/", "/admin/programs/household/", "/admin/villages/village/add/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งานระบบ" in page.content.decode()
    # ...which refuses a weak new password...
    assert change(client, temporary, "123456789012").status_code == 200
    assert client.get("/admin/").status_code == 302
    # ...and accepts a good one, after which the admin opens and the old password is dead.
    assert change(client, temporary, "ปลูกผักสวนครัว-2568").status_code == 302
    assert client.get("/admin/").status_code == 200
    user = User.objects.get(username="newofficer")
    assert not user.must_change_password
    assert post_login(Client(), "newofficer", temporary).status_code == 200
    assert post_login(Client(), "newofficer", "ปลูกผักสวนครัว-2568").status_code == 302


def test_a_password_set_by_staff_is_temporary_too(client, geography):
    officer = make_user(username="officer", role="district", districts=["4012"])
    staff = Client()
    staff.force_login(make_user(username="province", role="province"))
    response = staff.post(
        f"/admin/sammachip/user/{officer.pk}/password/",
        {"password1": "temporary-pass-2568", "password2": "temporary-pass-2568"},
    )
    assert response.status_code == 302
    assert post_login(client, "officer", "temporary-pass-2568").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"] == CHANGE
