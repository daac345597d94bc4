"""Issue 13, item 13: a change form saved after someone else's save is refused in Thai, nothing
saved; the writes the system makes itself between load and save do not count."""

import datetime

import pytest
from django.test import Client

from programs.models import Household
from tests.factories import make_user
from tests.programs.factories import make_session

pytestmark = pytest.mark.django_db

STALE = "ข้อมูลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดแบบฟอร์ม"


@pytest.fixture
def officer_b(phon_officer):
    client = Client()
    client.force_login(make_user(username="phon_b", role="district", districts=["4012"]))
    return client


def loaded_form(client, url):
    """GET the change form and return the POST a browser would send for it unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, datetime.date):
            value = bound.field.widget.format_value(value)
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    assert data.get("edit_token")
    assert 'name="edit_token"' in response.content.decode()  # rendered, as a hidden input
    return data


def change_url(model, pk):
    return f"/admin/programs/{model}/{pk}/change/"


def test_stale_household_form_is_refused_and_the_first_save_kept(phon_client, officer_b, programme):
    """Item 13: A and B open household X; A saves a phone change; B then saves another field
    from the form opened before → B gets the Thai error, nothing of B's is saved, A's phone
    is kept."""
    household = programme["phon"]["household"]
    url = change_url("household", household.pk)
    form_a = loaded_form(phon_client, url)
    form_b = loaded_form(officer_b, url)

    assert phon_client.post(url, {**form_a, "phone": "0812345678"}).status_code == 302
    response = officer_b.post(url, {**form_b, "house_no": "99/9"})

    assert response.status_code == 200
    assert STALE in response.content.decode()
    household.refresh_from_db()
    assert household.phone == "0812345678"
    assert household.house_no != "99/9"


@pytest.mark.parametrize(
    ("model", "key", "field", "first", "second"),
    [
        ("sage", "sage", "phone", "0812345678", "0898765432"),
        ("trainerteam", "team", "fiscal_year", "2569", "2567"),
    ],
)
def test_stale_sage_and_team_forms_are_refused(
    phon_client, officer_b, programme, model, key, field, first, second
):
    """Item 13: the same for the sage and the trainer-team forms."""
    obj = programme["phon"][key]
    url = change_url(model, obj.pk)
    form_a = loaded_form(phon_client, url)
    form_b = loaded_form(officer_b, url)

    assert phon_client.post(url, {**form_a, field: first}).status_code == 302
    response = officer_b.post(url, {**form_b, field: second})

    assert response.status_code == 200
    assert STALE in response.content.decode()
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == first


def test_a_system_write_between_load_and_save_is_not_someone_elses_edit(phon_client, programme):
    """Item 13: a status change by a service (a bulk action) after A opened the form does not
    refuse A's save, and A's save does not undo it (A left the status as shown)."""
    household = programme["phon"]["household"]
    url = change_url("household", household.pk)
    form_a = loaded_form(phon_client, url)

    # The system moves the stage: an attendance recorded (programs.stages, with .update()).
    make_session(team=programme["phon"]["team"], attendees=[household])
    response = phon_client.post(url, {**form_a, "phone": "0812345678"})

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.phone == "0812345678"
    assert household.status == Household.Status.TRAINED


def test_a_forged_token_is_refused(phon_client, programme):
    """Item 13: a token that was not signed by the server counts as stale."""
    household = programme["phon"]["household"]
    url = change_url("household", household.pk)
    form = loaded_form(phon_client, url)
    response = phon_client.post(url, {**form, "edit_token": "x", "phone": "0812345678"})
    assert STALE in response.content.decode()
    household.refresh_from_db()
    assert household.phone == ""
