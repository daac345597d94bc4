"""Leak tests: an officer of อ.พล reaches nothing of อ.เมืองขอนแก่น through any door of the admin.

Each test names one door. The อ.เมือง village is called "บ้านเมืองลับเฉพาะ" so that its name is easy
to look for in any response.
"""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from villages.admin import VillageInline
from villages.models import District, Subdistrict, Village

SECRET = "บ้านเมืองลับเฉพาะ"
CHANGELIST = "/admin/villages/village/"


def url(village, action):
    return f"/admin/villages/village/{village.pk}/{action}/"


@pytest.fixture
def phon_client(client, phon_officer, two_districts):
    client.force_login(phon_officer)
    return client


# ---- changelist, search, counts -------------------------------------------------------------


def test_changelist_shows_only_own_district(phon_client, two_districts):
    response = phon_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "บ้านพลสาธิต" in html
    assert SECRET not in html
    assert list(response.context["cl"].result_list) == [two_districts["phon"]]


def test_changelist_counts_only_own_district(phon_client):
    cl = phon_client.get(CHANGELIST).context["cl"]
    assert cl.result_count == 1
    assert cl.full_result_count == 1


def test_search_does_not_find_other_district(phon_client):
    response = phon_client.get(CHANGELIST, {"q": SECRET})
    assert response.context["cl"].result_count == 0
    assert response.context["cl"].full_result_count == 1
    assert "40010102" not in response.content.decode()


def test_search_by_exact_code_does_not_find_other_district(phon_client):
    response = phon_client.get(CHANGELIST, {"q": "40010102"})
    assert response.context["cl"].result_count == 0


def test_filtering_by_other_district_in_the_url_finds_nothing(phon_client):
    response = phon_client.get(CHANGELIST, {"district__code__exact": "4001"})
    assert SECRET not in response.content.decode()


def test_list_filter_choices_name_no_other_district(phon_client):
    html = phon_client.get(CHANGELIST).content.decode()
    assert "เมืองขอนแก่น" not in html
    assert "ในเมือง" not in html  # ต.ในเมือง is in อ.เมืองขอนแก่น
    assert "เพ็กใหญ่" in html


# ---- change, delete, history ----------------------------------------------------------------


def test_change_view_of_other_district_is_refused(phon_client, two_districts):
    response = phon_client.get(url(two_districts["muang"], "change"))
    assert response.status_code == 302
    assert SECRET not in phon_client.get(response["Location"]).content.decode()


def test_change_post_to_other_district_changes_nothing(phon_client, two_districts):
    village = two_districts["muang"]
    phon_client.post(url(village, "change"), {"subdistrict": "400101", "moo": 2, "name_th": "x"})
    village.refresh_from_db()
    assert village.name_th == SECRET


def test_delete_of_other_district_is_refused(phon_client, two_districts):
    village = two_districts["muang"]
    assert phon_client.get(url(village, "delete")).status_code == 302
    phon_client.post(url(village, "delete"), {"post": "yes"})
    assert Village.objects.filter(pk=village.pk).exists()


def test_bulk_delete_action_ignores_other_district(phon_client, two_districts):
    village = two_districts["muang"]
    phon_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [village.pk], "post": "yes"},
    )
    assert Village.objects.filter(pk=village.pk).exists()


def test_history_of_other_district_is_refused(phon_client, two_districts):
    response = phon_client.get(url(two_districts["muang"], "history"))
    assert response.status_code == 302


def test_own_district_doors_are_open(phon_client, two_districts):
    village = two_districts["phon"]
    assert phon_client.get(url(village, "change")).status_code == 200
    assert phon_client.get(url(village, "history")).status_code == 200
    assert phon_client.get(url(village, "delete")).status_code == 200


# ---- FK choices, POST validation, autocomplete, save_model --------------------------------


def test_add_form_subdistrict_choices_are_own_district(phon_client):
    form = phon_client.get("/admin/villages/village/add/").context["adminform"].form
    codes = set(form.fields["subdistrict"].queryset.values_list("code", flat=True))
    assert codes
    assert all(code.startswith("4012") for code in codes)


def test_forged_post_with_other_district_subdistrict_is_refused(phon_client):
    response = phon_client.post(
        "/admin/villages/village/add/", {"subdistrict": "400101", "moo": 9, "name_th": "บ้านปลอม"}
    )
    assert response.status_code == 200
    assert "subdistrict" in response.context["adminform"].form.errors
    assert not Village.objects.filter(name_th="บ้านปลอม").exists()


def test_officer_adds_a_village_in_own_district(phon_client):
    response = phon_client.post(
        "/admin/villages/village/add/", {"subdistrict": "401207", "moo": 12, "name_th": "บ้านใหม่"}
    )
    assert response.status_code == 302
    village = Village.objects.get(name_th="บ้านใหม่")
    assert village.code == "40120712"
    assert village.district_id == "4012"


def test_duplicate_moo_gets_a_thai_error(phon_client):
    response = phon_client.post(
        "/admin/villages/village/add/", {"subdistrict": "401207", "moo": 11, "name_th": "ซ้ำ"}
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "มีอยู่แล้ว" in errors


def autocomplete(client, term, field="subdistrict", model="village"):
    return client.get(
        "/admin/autocomplete/",
        {"app_label": "villages", "model_name": model, "field_name": field, "term": term},
    )


def test_autocomplete_offers_only_own_district(phon_client):
    response = autocomplete(phon_client, "")
    ids = [r["id"] for r in response.json()["results"]]
    assert response.status_code == 200
    assert ids
    assert all(i.startswith("4012") for i in ids)


def test_autocomplete_search_finds_nothing_in_other_district(phon_client):
    results = autocomplete(phon_client, "ในเมือง").json()["results"]
    assert results == []


def test_autocomplete_of_districts_through_another_models_field_is_scoped(phon_client):
    # Django asks the *related* admin (District) for the rows, whatever the source model.
    response = phon_client.get(
        "/admin/autocomplete/",
        {"app_label": "sammachip", "model_name": "user", "field_name": "districts", "term": ""},
    )
    assert [r["id"] for r in response.json()["results"]] == ["4012"]


def test_save_model_refuses_an_object_of_other_district(phon_officer, two_districts):
    model_admin = admin.site._registry[Village]
    request = RequestFactory().post("/")
    request.user = phon_officer
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, two_districts["muang"], form=None, change=True)


# ---- inlines and geography admins -----------------------------------------------------------


def test_inline_queryset_is_scoped(phon_officer, two_districts):
    inline = VillageInline(Subdistrict, admin.site)
    request = RequestFactory().get("/")
    request.user = phon_officer
    assert list(inline.get_queryset(request)) == [two_districts["phon"]]


def test_other_district_subdistrict_page_is_refused(phon_client):
    assert phon_client.get("/admin/villages/subdistrict/400101/change/").status_code == 302


def test_district_changelist_shows_only_own_district(phon_client):
    response = phon_client.get("/admin/villages/district/")
    assert [d.code for d in response.context["cl"].result_list] == ["4012"]


def test_subdistrict_changelist_shows_only_own_district(phon_client):
    result = phon_client.get("/admin/villages/subdistrict/").context["cl"].result_list
    assert {s.district_id for s in result} == {"4012"}


# ---- provincial staff and others ------------------------------------------------------------


def test_province_staff_sees_every_district(client, province_staff, two_districts):
    client.force_login(province_staff)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 2
    assert client.get(url(two_districts["muang"], "change")).status_code == 200


def test_officer_without_districts_sees_nothing(client, two_districts):
    from tests.factories import make_user

    client.force_login(make_user(role="district"))
    assert client.get(CHANGELIST).context["cl"].result_count == 0


def test_non_staff_user_cannot_enter_the_admin(client, two_districts):
    from tests.factories import make_user

    client.force_login(make_user(role="district", districts=["4012"], is_staff=False))
    assert client.get(CHANGELIST).status_code == 302


def test_changelist_query_count_does_not_grow(phon_client, django_assert_max_num_queries):
    subdistrict = Subdistrict.objects.get(code="401207")
    with django_assert_max_num_queries(12) as few:
        phon_client.get(CHANGELIST)
    Village.objects.bulk_create(
        [
            Village(
                subdistrict=subdistrict,
                district_id="4012",
                moo=m,
                code=f"401207{m:02d}",
                name_th=f"บ้าน{m}",
            )
            for m in range(20, 80)
        ]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        phon_client.get(CHANGELIST)


def test_district_model_scoping_api(phon_officer):
    assert list(District.objects.for_user(phon_officer).values_list("code", flat=True)) == ["4012"]


def test_history_page_shows_buddhist_era_dates(phon_client, two_districts):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    village = two_districts["phon"]
    LogEntry.objects.create(
        user_id=phon_client.session["_auth_user_id"],
        content_type=ContentType.objects.get_for_model(Village),
        object_id=str(village.pk),
        object_repr=str(village),
        action_flag=CHANGE,
        change_message="[]",
    )
    html = phon_client.get(url(village, "history")).content.decode()
    from django.utils import timezone

    from sammachip.thaidate import be_year

    assert str(be_year(timezone.localdate().year)) in html
    assert f"{timezone.localdate().year}," not in html
