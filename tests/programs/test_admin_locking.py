"""The lock in every admin door: walk every registered admin (like the scoping tests) and every
inline of a locked record; each refuses change, delete and add in a submitted or approved
district-year and allows them while it is open or returned. Reading stays open."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from programs import locking
from programs.admin.locking import YearLockedAdminMixin
from programs.models import DistrictReport, FollowUp, Household, StageDecision, TeamMember
from tests.programs.factories import make_group, make_occupation, make_session

pytestmark = pytest.mark.django_db

LOCKED_MODELS = sorted(name for name in locking.SPECS)


def lock(status, district="4012", fiscal_year=2568):
    DistrictReport.objects.update_or_create(
        district_id=district,
        fiscal_year=fiscal_year,
        defaults={
            "status": status,
            "approved_on": datetime.date(2025, 10, 15) if status == "approved" else None,
        },
    )


@pytest.fixture
def records(programme):
    data = programme["phon"]
    household = data["household"]
    session = make_session(team=data["team"], attendees=[household])
    return {
        "household": household,
        "trainerteam": data["team"],
        "teammember": TeamMember.objects.create(team=data["team"], first_name="ก", last_name="ข"),
        "trainingsession": session,
        "followup": FollowUp.objects.create(
            household=household, visited_on=datetime.date(2025, 3, 1), practising=True
        ),
        "stagedecision": StageDecision.objects.create(
            household=household, decided_on=datetime.date(2025, 4, 1), reason="ทดสอบ"
        ),
    }


def registered_locked_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if locking.spec_of(model) is not None
    ]


def test_every_admin_and_inline_of_a_locked_model_carries_the_lock():
    seen = set()
    for model, model_admin in admin.site._registry.items():
        if locking.spec_of(model) is not None:
            assert isinstance(model_admin, YearLockedAdminMixin), model
            seen.add(model._meta.model_name)
        for inline in model_admin.inlines:
            if locking.spec_of(inline.model) is not None and not _read_only(inline):
                assert issubclass(inline, YearLockedAdminMixin), (model, inline)
    assert {"household", "trainerteam", "trainingsession", "followup"} <= seen


def _read_only(inline):
    return not inline.can_delete and set(inline.fields or []) <= set(inline.readonly_fields)


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_locked_records_are_read_only_in_their_admin(records, phon_officer, status):
    lock(status)
    request = RequestFactory().get("/admin/")
    request.user = phon_officer
    for model, model_admin in registered_locked_admins():
        obj = records[model._meta.model_name]
        assert model_admin.has_view_permission(request, obj), model
        assert not model_admin.has_change_permission(request, obj), model
        assert not model_admin.has_delete_permission(request, obj), model
        for inline in model_admin.get_inline_instances(request, obj):
            assert not inline.has_add_permission(request, obj), (model, inline)
            assert not inline.has_change_permission(request, obj), (model, inline)
            assert not inline.has_delete_permission(request, obj), (model, inline)


@pytest.mark.parametrize("status", [None, "open", "returned"])
def test_open_records_are_writable_in_their_admin(records, phon_officer, status):
    if status:
        lock(status)
    request = RequestFactory().get("/admin/")
    request.user = phon_officer
    for model, model_admin in registered_locked_admins():
        obj = records[model._meta.model_name]
        assert model_admin.has_change_permission(request, obj), model
        assert model_admin.has_delete_permission(request, obj), model


@pytest.mark.parametrize("model", LOCKED_MODELS)
def test_change_and_delete_pages_of_a_locked_record(phon_client, records, model):
    if model not in {m._meta.model_name for m, _a in registered_locked_admins()}:
        pytest.skip("no admin of its own (an inline)")
    lock("approved")
    pk = records[model].pk
    page = phon_client.get(f"/admin/programs/{model}/{pk}/change/")
    assert page.status_code == 200
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert phon_client.post(f"/admin/programs/{model}/{pk}/change/", {}).status_code == 403
    assert phon_client.get(f"/admin/programs/{model}/{pk}/delete/").status_code == 403
    assert (
        phon_client.post(f"/admin/programs/{model}/{pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert type(records[model]).objects.filter(pk=pk).exists()


def test_bulk_delete_action_refuses_a_locked_year(phon_client, records):
    lock("submitted")
    pk = records["household"].pk
    response = phon_client.post(
        "/admin/programs/household/",
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        follow=True,
    )
    assert Household.objects.filter(pk=pk).exists()
    assert response.status_code in (200, 403)


def test_add_form_in_a_locked_year_says_who_to_ask(phon_client, records):
    lock("submitted")
    village = records["household"].village
    response = phon_client.post(
        "/admin/programs/household/add/",
        {
            "village": village.pk,
            "fiscal_year": 2568,
            "house_no": "9",
            "first_name": "ล็อก",
            "last_name": "ล็อก",
            "citizen_id": "1101700230708",
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in response.content.decode()
    assert not Household.objects.filter(first_name="ล็อก").exists()


def test_add_form_in_an_open_year_saves(phon_client, records):
    lock("returned")
    village = records["household"].village
    response = phon_client.post(
        "/admin/programs/household/add/",
        {
            "village": village.pk,
            "fiscal_year": 2568,
            "house_no": "9",
            "first_name": "เปิด",
            "last_name": "เปิด",
            "citizen_id": "1101700230708",
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Household.objects.filter(first_name="เปิด").exists()


def test_changelist_and_export_stay_open(phon_client, records):
    lock("approved")
    assert phon_client.get("/admin/programs/household/").status_code == 200
    response = phon_client.post("/admin/programs/household/export/", {"format": "xlsx"})
    assert response.status_code in (200, 302)


def test_group_with_locked_members_cannot_be_deleted_in_the_admin(phon_client, records):
    group = make_group(village=records["household"].village)
    Household.objects.filter(pk=records["household"].pk).update(group=group)
    lock("approved")
    assert phon_client.get(f"/admin/programs/occupationgroup/{group.pk}/delete/").status_code == 403
    assert phon_client.get(f"/admin/programs/occupationgroup/{group.pk}/change/").status_code == 200


# --- the household import --------------------------------------------------------------------


def test_import_of_a_locked_year_is_refused_with_a_thai_row_error(phon_officer, records):
    from tests.programs.test_excel import good_row, import_rows, row_errors

    lock("submitted", fiscal_year=2569)
    result = import_rows(phon_officer, [good_row(1)], dry_run=False)
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in row_errors(result)
    # A row error on the year column (validation), not a failed save.
    assert "fiscal_year" in result.invalid_rows[0].error_dict
    assert not Household.objects.filter(fiscal_year=2569).exists()


def test_import_of_an_open_year_passes(phon_officer, records):
    from tests.programs.test_excel import good_row, import_rows, row_errors

    lock("submitted", fiscal_year=2568)  # another year
    make_occupation("ทอผ้าไหม")
    result = import_rows(phon_officer, [good_row(1)], dry_run=False)
    assert not result.has_validation_errors(), row_errors(result)
    assert Household.objects.filter(fiscal_year=2569).count() == 1


def test_import_moving_a_household_out_of_a_locked_year_is_refused(phon_officer, records):
    from tests.programs.test_excel import good_row, import_rows, row_errors

    household = records["household"]
    lock("approved", fiscal_year=2568)
    row = good_row(
        1,
        **{
            "รหัสรายการ": household.pk,
            "เลขประจำตัวประชาชน": household.citizen_id,
            "ปีงบประมาณ (พ.ศ.)": 2569,
        },
    )
    result = import_rows(phon_officer, [row], dry_run=False)
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in row_errors(result)
    assert Household.objects.get(pk=household.pk).fiscal_year == 2568


def test_a_locked_page_shows_the_citizen_id_masked(phon_client, records):
    lock("approved")
    household = records["household"]
    number = household.citizen_id
    for url in (
        f"/admin/programs/household/{household.pk}/change/",
        f"/admin/programs/trainerteam/{records['trainerteam'].pk}/change/",
    ):
        html = phon_client.get(url).content.decode()
        assert number not in html, url
        assert household.citizen_id_masked in html, url


def test_a_locked_page_shows_dates_in_be(phon_client, records):
    lock("approved")
    html = phon_client.get(
        f"/admin/programs/household/{records['household'].pk}/change/"
    ).content.decode()
    assert "1 มีนาคม 2568" in html  # the follow-up of 1 March 2025 (CE)
    assert "2025" not in html


def test_an_action_writing_a_locked_year_is_refused_with_the_message(phon_client, records):
    lock("submitted")
    household = records["household"]
    before = StageDecision.objects.count()
    response = phon_client.post(
        "/admin/programs/household/",
        {
            "action": "record_drop_decision",
            "_selected_action": [household.pk],
            "decided_on": "01/04/2568",
            "reason": "เลิกแล้ว",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in response.content.decode()
    assert StageDecision.objects.count() == before
