"""Officer accounts: create_officer, role permissions, account management by provincial staff."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sammachip.models import User
from tests.factories import TEST_PASSWORD, make_user


def create_officer(*args):
    out = io.StringIO()
    call_command("create_officer", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_officer_with_districts_and_password(geography):
    create_officer("somchai", "--role", "district", "--district", "4012", "--password", "x" * 14)
    user = User.objects.get(username="somchai")
    assert user.role == "district"
    assert user.is_staff
    assert user.check_password("x" * 14)
    assert set(user.districts.values_list("code", flat=True)) == {"4012"}
    assert not user.must_change_password


@pytest.mark.django_db
def test_create_officer_without_password_gives_a_temporary_one(geography):
    output = create_officer("somsri", "--role", "province")
    user = User.objects.get(username="somsri")
    assert user.must_change_password
    temporary = output.split("รหัสผ่านชั่วคราว: ")[1].split()[0]
    assert user.check_password(temporary)


@pytest.mark.django_db
def test_create_officer_moves_an_existing_officer(geography):
    create_officer("mana", "--role", "district", "--district", "4012", "--password", "y" * 14)
    create_officer("mana", "--role", "district", "--district", "4001", "--district", "4002")
    user = User.objects.get(username="mana")
    assert set(user.districts.values_list("code", flat=True)) == {"4001", "4002"}
    assert user.check_password("y" * 14)
    assert User.objects.filter(username="mana").count() == 1


@pytest.mark.django_db
def test_create_officer_refuses_unknown_district(geography):
    with pytest.raises(CommandError, match="ไม่พบอำเภอรหัส 9999"):
        create_officer("x", "--role", "district", "--district", "9999")


@pytest.mark.django_db
def test_create_officer_requires_a_district_for_district_role(geography):
    with pytest.raises(CommandError, match="ต้องระบุ --district"):
        create_officer("x", "--role", "district")


@pytest.mark.django_db
def test_district_officer_gets_village_permissions_from_role_alone(phon_officer):
    assert phon_officer.has_perm("villages.add_village")
    assert phon_officer.has_perm("villages.view_subdistrict")
    assert not phon_officer.has_perm("sammachip.change_user")
    assert phon_officer.user_permissions.count() == 0


@pytest.mark.django_db
def test_inactive_officer_has_no_permissions(phon_officer):
    phon_officer.is_active = False
    phon_officer.save()
    assert not User.objects.get(pk=phon_officer.pk).has_perm("villages.view_village")


@pytest.mark.django_db
def test_district_officer_cannot_reach_accounts(client, phon_officer):
    client.force_login(phon_officer)
    assert client.get("/admin/sammachip/user/").status_code == 403
    own = f"/admin/sammachip/user/{phon_officer.pk}/change/"
    assert client.get(own).status_code == 403
    response = client.post(own, {"username": "phon", "role": "province", "districts": ["4001"]})
    assert response.status_code == 403
    phon_officer.refresh_from_db()
    assert phon_officer.role == "district"
    assert set(phon_officer.districts.values_list("code", flat=True)) == {"4012"}


@pytest.mark.django_db
def test_province_staff_creates_an_officer(client, province_staff):
    client.force_login(province_staff)
    response = client.post(
        "/admin/sammachip/user/add/",
        {
            "username": "newofficer",
            "password1": "a-brand-new-password-1",
            "password2": "a-brand-new-password-1",
            "role": "district",
            "districts": ["4012"],
            "is_staff": "on",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newofficer")
    assert user.role == "district"
    assert set(user.districts.values_list("code", flat=True)) == {"4012"}
    assert user.must_change_password


def change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "position": user.position,
        "email": user.email,
        "role": user.role,
        "districts": list(user.districts.values_list("code", flat=True)),
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.django_db
def test_province_staff_moves_an_officer_to_other_districts(client, province_staff, phon_officer):
    client.force_login(province_staff)
    url = f"/admin/sammachip/user/{phon_officer.pk}/change/"
    response = client.post(url, change_form_data(phon_officer, districts=["4001", "4002"]))
    assert response.status_code == 302
    assert set(phon_officer.districts.values_list("code", flat=True)) == {"4001", "4002"}


@pytest.mark.django_db
def test_province_staff_deactivates_on_transfer(client, province_staff, phon_officer):
    client.force_login(province_staff)
    response = client.post(
        "/admin/sammachip/user/",
        {"action": "deactivate", "_selected_action": [phon_officer.pk]},
    )
    assert response.status_code == 302
    phon_officer.refresh_from_db()
    assert not phon_officer.is_active


@pytest.mark.django_db
def test_password_reset_by_staff_forces_a_change(client, province_staff, phon_officer):
    client.force_login(province_staff)
    response = client.post(
        f"/admin/sammachip/user/{phon_officer.pk}/password/",
        {
            "password1": "temporary-pass-2567",
            "password2": "temporary-pass-2567",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    phon_officer.refresh_from_db()
    assert phon_officer.check_password("temporary-pass-2567")
    assert phon_officer.must_change_password


@pytest.mark.django_db
def test_province_staff_cannot_see_or_make_superusers(client, province_staff):
    root = make_user(username="root", role="", is_superuser=True)
    client.force_login(province_staff)
    assert "root" not in client.get("/admin/sammachip/user/").content.decode()
    assert client.get(f"/admin/sammachip/user/{root.pk}/change/").status_code == 302
    form_html = client.get(f"/admin/sammachip/user/{province_staff.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in form_html
    assert 'name="user_permissions"' not in form_html


@pytest.mark.django_db
def test_forced_change_redirects_until_the_password_is_changed(client, phon_officer):
    phon_officer.must_change_password = True
    phon_officer.save()
    client.force_login(phon_officer)
    response = client.get("/admin/villages/village/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:password_change")
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "my-own-new-password-99",
            "new_password2": "my-own-new-password-99",
        },
    )
    assert response.status_code == 302
    phon_officer.refresh_from_db()
    assert not phon_officer.must_change_password
    assert client.get("/admin/villages/village/").status_code == 200


@pytest.mark.django_db
def test_short_passwords_are_refused(client, phon_officer):
    client.force_login(phon_officer)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short-pw1", "new_password2": "short-pw1"},
    )
    assert response.status_code == 200
    phon_officer.refresh_from_db()
    assert phon_officer.check_password(TEST_PASSWORD)
