"""Leak tests for the programme admins: the อ.พล officer reaches nothing of อ.เมือง."""

import pytest

from programs.models import Household, Sage, TrainerTeam

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/programs/household/",
    "/admin/programs/sage/",
    "/admin/programs/trainerteam/",
    "/admin/programs/trainingsession/",
    "/admin/programs/followup/",
    "/admin/programs/occupationgroup/",
    "/admin/programs/product/",
    "/admin/sammachip/auditentry/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_hold_nothing_of_other_district(phon_client, programme, url):
    response = phon_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "muang" not in html
    assert "เมืองขอนแก่น" not in html


def test_household_changelist_shows_own(phon_client, programme):
    html = phon_client.get("/admin/programs/household/").content.decode()
    assert "ครัวเรือนphon" in html


@pytest.mark.parametrize("model", ["household", "sage", "trainerteam"])
def test_change_pages_of_other_district_are_refused(phon_client, programme, model):
    obj = {"household": "household", "sage": "sage", "trainerteam": "team"}[model]
    pk = programme["muang"][obj].pk
    for action in ("change", "delete", "history", "auditlog"):
        response = phon_client.get(f"/admin/programs/{model}/{pk}/{action}/")
        assert response.status_code in (302, 403, 404), action


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("household", "village"),
        ("household", "trainer_team"),
        ("trainerteam", "sage"),
        ("household", "group"),
        ("trainingsession", "attendees"),
    ],
)
def test_autocomplete_offers_only_own_district(phon_client, programme, model, field):
    response = phon_client.get(
        "/admin/autocomplete/",
        {"app_label": "programs", "model_name": model, "field_name": field, "term": ""},
    )
    assert response.status_code == 200
    assert "muang" not in response.content.decode()


def test_forged_household_post_in_other_district_village_is_refused(phon_client, programme):
    response = phon_client.post(
        "/admin/programs/household/add/",
        {
            "village": programme["muang"]["village"].pk,
            "fiscal_year": 2568,
            "house_no": "9",
            "first_name": "ปลอม",
            "last_name": "ปลอม",
            "citizen_id": "1101700230708",
            "status": "target",
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert not Household.objects.filter(first_name="ปลอม").exists()


def test_forged_team_with_other_district_sage_is_refused(phon_client, programme):
    response = phon_client.post(
        "/admin/programs/trainerteam/add/",
        {
            "village": programme["phon"]["village"].pk,
            "fiscal_year": 2569,
            "sage": programme["muang"]["sage"].pk,
            "occupation": programme["phon"]["team"].occupation_id,
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "households-TOTAL_FORMS": "0",
            "households-INITIAL_FORMS": "0",
        },
    )
    assert "sage" in response.context["adminform"].form.errors
    assert not TrainerTeam.objects.filter(fiscal_year=2569).exists()


def test_list_filter_names_no_other_district(phon_client, programme):
    html = phon_client.get("/admin/programs/household/").content.decode()
    assert "ในเมือง" not in html


def test_province_staff_see_both(province_client, programme):
    html = province_client.get("/admin/programs/household/").content.decode()
    assert "ครัวเรือนphon" in html
    assert "ครัวเรือนmuang" in html


def test_sage_public_flag_does_not_widen_admin_scope(phon_client, programme):
    Sage.objects.filter(pk=programme["muang"]["sage"].pk).update(is_public=True)
    assert "ปราชญ์muang" not in phon_client.get("/admin/programs/sage/").content.decode()
